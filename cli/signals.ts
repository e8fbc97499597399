// Ctrl+C and SIGTERM: the first stops the run gracefully, the second kills at once.
export const handleSignals = (stop: (force: boolean) => void): { dispose(): void } => {
  let count = 0;
  const onSignal = (): void => {
    count++;
    stop(count > 1);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
};
