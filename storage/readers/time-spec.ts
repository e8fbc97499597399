// `--since` / `--until` values: unix seconds, an ISO date-time, a wall-clock time of the run's
// day (what replay lines show), or a duration before the run's end (`5m`) or after its start
// (`+5m`).
import { FilterError } from './errors.js';

export interface RunSpan {
  /** Unix seconds. */
  readonly start: number;
  /** The run's end, now while it runs, its last heartbeat when cut off. */
  readonly end: number;
}

const UNIT_SECONDS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?$/;

const durationSeconds = (text: string): number => {
  let total = 0;
  for (const [, value, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) total += Number(value) * (UNIT_SECONDS[unit as string] ?? 0);
  return total;
};

/** A wall-clock time on the run's first day, or the next day when that lands inside the run. */
const clockTime = (match: RegExpMatchArray, span: RunSpan): number => {
  const [, h, m, s, fraction] = match;
  const hours = Number(h);
  const minutes = Number(m);
  const seconds = Number(s ?? 0) + Number(fraction ?? 0);
  if (hours > 23 || minutes > 59 || seconds >= 60) throw new FilterError(`'${match[0]}' is not a time of day`);
  const day = new Date(span.start * 1000);
  day.setHours(hours, minutes, 0, 0);
  const sameDay = day.getTime() / 1000 + seconds;
  day.setDate(day.getDate() + 1);
  const nextDay = day.getTime() / 1000 + seconds;
  const inside = (t: number): boolean => t >= span.start && t <= span.end;
  return !inside(sameDay) && inside(nextDay) ? nextDay : sameDay;
};

/** Parses one time value to unix seconds; the option name is for the error message. */
export function parseTimeSpec(text: string, span: RunSpan, option: string): number {
  const value = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(value)) return Number(value);
  if (DURATION.test(value)) return span.end - durationSeconds(value);
  if (value.startsWith('+') && DURATION.test(value.slice(1))) return span.start + durationSeconds(value.slice(1));
  const clock = value.match(CLOCK);
  if (clock !== null) return clockTime(clock, span);
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    // A bare date is local midnight (JavaScript would read it as UTC).
    const [y, mo, d] = value.split('-').map(Number) as [number, number, number];
    return new Date(y, mo - 1, d).getTime() / 1000;
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]/.test(value)) {
    const ms = Date.parse(value.replace(' ', 'T'));
    if (!Number.isNaN(ms)) return ms / 1000;
  }
  throw new FilterError(
    `${option} '${text}': expected unix seconds, an ISO time (2024-05-01T14:03:00), HH:MM[:SS], or a duration like 5m (before the run's end) or +5m (after its start)`,
  );
}
