// Time units in tool logs, so that simulated and CPU times become comparable numbers.

const TO_NS: Readonly<Record<string, number>> = { fs: 1e-6, ps: 1e-3, ns: 1, us: 1e3, ms: 1e6, s: 1e9 };

/** `value` in `unit` (fs … s, any case) as nanoseconds, or undefined for an unknown unit. */
export const toNanoseconds = (value: number, unit: string): number | undefined => {
  const factor = TO_NS[unit.toLowerCase()];
  return factor === undefined ? undefined : value * factor;
};

const TO_S: Readonly<Record<string, number>> = { second: 1, seconds: 1, minute: 60, minutes: 60, hour: 3600, hours: 3600 };

/** `value` in seconds/minutes/hours as seconds. */
export const toSeconds = (value: number, unit: string): number | undefined => {
  const factor = TO_S[unit.toLowerCase()];
  return factor === undefined ? undefined : value * factor;
};
