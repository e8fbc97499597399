// The current time, refreshed every so often, for durations that count on while a run goes.
import { useEffect, useState } from 'preact/hooks';

export const useNow = (everyMs: number): number => {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
};
