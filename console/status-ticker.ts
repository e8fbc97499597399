// Progress without a terminal: one plain status line every `interval` seconds and after every
// failure, through the same sink as the log lines. No cursor movement, ever.
import { formatElapsed } from './durations.js';
import { describeWaiting } from '../vocabulary/wording.js';
import type { ProgressModel, ProgressSnapshot } from './progress-model.js';

export const statusText = (s: ProgressSnapshot): string => {
  const done = s.passed + s.failed + s.aborted;
  const eta = s.eta === null || s.pending + s.running === 0 ? '' : `, ~${formatElapsed(s.eta)} left`;
  return (
    `${done}/${s.total} done (${s.passed} passed, ${s.failed} failed, ${s.aborted} aborted), ` +
    `${s.running} running, ${s.pending} pending${s.waiting.total === 0 ? '' : ` (${describeWaiting(s.waiting.total, s.waiting.byPool)})`}, ` +
    `${formatElapsed(s.elapsed)} elapsed${eta}`
  );
};

export class StatusTicker {
  readonly #model: ProgressModel;
  readonly #emit: (text: string, now: number) => void;
  readonly #intervalMs: number;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | null = null;

  constructor(model: ProgressModel, emit: (text: string, now: number) => void, intervalSeconds: number, now: () => number) {
    this.#model = model;
    this.#emit = emit;
    this.#intervalMs = Math.max(0.05, intervalSeconds) * 1000;
    this.#now = now;
  }

  start(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => this.tick(), this.#intervalMs);
    this.#timer.unref();
  }

  tick(): void {
    const now = this.#now();
    this.#emit(statusText(this.#model.snapshot(now, { running: 0, failed: 0 })), now);
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}
