// Timers for waits a person sets (a job's timeout, a group's group_timeout, --grace). Node's
// setTimeout holds at most 2^31-1 ms (24.8 days) and, past that, fires after 1 ms with only a
// warning: a `timeout: 30d` (or 20d under --timeout-multiplier 2) ended its job at once. A
// longer wait is taken in steps, measured on the monotonic clock.
const MAX_STEP_MS = 2 ** 31 - 1;

export interface Timer {
  cancel(): void;
}

/** Calls `fire` once, `seconds` from now, however long that is. */
export const afterSeconds = (seconds: number, fire: () => void): Timer => {
  const due = performance.now() + seconds * 1000;
  let handle: NodeJS.Timeout;
  const arm = (): void => {
    const left = due - performance.now();
    handle = left > MAX_STEP_MS ? setTimeout(arm, MAX_STEP_MS) : setTimeout(fire, Math.max(0, left));
  };
  arm();
  return { cancel: () => clearTimeout(handle) };
};
