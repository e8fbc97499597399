// Numbers and times as the pages show them; durations and sizes in the same short forms as the
// console (the same module).
import type { Category, Counts, RunSummary, ShownResult, ShownState } from '../protocol.js';
export { formatBytes, formatDuration } from '../../console/durations.js';

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `2026-11-30 23:57:55`, local time. */
export const dateTime = (unix: number | null): string => {
  if (unix === null) return '–';
  const d = new Date(unix * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};

/** `23:57:55.123`, local time. */
export const clock = (unix: number): string => {
  const d = new Date(unix * 1000);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
};

/** The words and CSS class of a run's or node's result. */
export const resultClass = (result: string): string =>
  ({ success: 'passed', failure: 'failed', aborted: 'aborted', 'cut-off': 'cutoff', running: 'running', interrupted: 'failed', unknown: 'pending' })[result] ??
  'pending';

export const resultWord = (result: string): string =>
  ({ success: 'passed', failure: 'failed', aborted: 'aborted', 'cut-off': 'cut off', running: 'running', interrupted: 'interrupted', unknown: 'unknown' })[
    result
  ] ?? result;

/** A node's result as a person reads it, state included while it has none. */
export const nodeWord = (state: ShownState, result: ShownResult): string => {
  if (result !== 'unknown') return resultWord(result);
  if (state === 'launched' || state === 'running') return 'running';
  return state === 'complete' ? 'unknown' : 'pending';
};

export const CATEGORY_WORDS: readonly [Category, string][] = [
  ['pending', 'pending'],
  ['running', 'running'],
  ['passed', 'passed'],
  ['failed', 'failed'],
  ['aborted', 'aborted'],
  ['cutOff', 'cut off'],
];

/** The duration of a run, counting on while it runs. */
export const liveDuration = (run: Pick<RunSummary, 'duration' | 'status'>, receivedAt: number, now: number): number =>
  run.status === 'running' ? run.duration + Math.max(0, now - receivedAt) / 1000 : run.duration;

export const finished = (counts: Counts): number => counts.passed + counts.failed + counts.aborted + counts.cutOff + counts.unknown;
