// Commander option parsers: a bad value is a usage error naming the option's value.
import { InvalidArgumentError } from 'commander';
import { parseMemory } from '../spec/control-values.js';
import { parseDuration } from '../spec/duration.js';
import { seedProblem } from '../spec/seed.js';

export const parseCount = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number of at least 1, got '${value}'`);
  return n;
};

/** A day: no wait the runner's options set is longer (a timer past 24.8 days would fire at once). */
const MAX_OPTION_SECONDS = 86_400;

export const parseSeconds = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > MAX_OPTION_SECONDS)
    throw new InvalidArgumentError(`expected seconds from 0 to ${MAX_OPTION_SECONDS}, got '${value}'`);
  return n;
};

/** `--interval`: how often each running job is sampled; under 0.1 s the sampling would take the CPU it measures. */
export const parseSampleInterval = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0.1 || n > MAX_OPTION_SECONDS)
    throw new InvalidArgumentError(`expected seconds from 0.1 to ${MAX_OPTION_SECONDS}, got '${value}'`);
  return n;
};

/** A message limit as an option holds it: a count, or `none` (commander turns a parser's null into ''). */
export type LimitOption = number | 'none';

/** A message limit: a count, or `none` for unlimited. */
export const parseLimit = (value: string): LimitOption => {
  if (value === 'none' || value === 'unlimited') return 'none';
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a count ≥ 0 or 'none', got '${value}'`);
  return n;
};

/** `--timeout 30m`: a duration, or `none`/0 for no limit. */
export const parseTimeout = (value: string): number | null => {
  if (value === 'none') return null;
  const parsed = parseDuration(value);
  if (!parsed.ok) throw new InvalidArgumentError(`${parsed.problem}, or none`);
  return parsed.seconds === 0 ? null : parsed.seconds;
};

/** `--timeout-multiplier 1.5`: a factor ≥ 0 (0 lifts every time limit). */
export const parseMultiplier = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a factor ≥ 0 (0 lifts every timeout), got '${value}'`);
  return n;
};

/** `--seed 42`, or `random` (the default). */
export const parseRunSeed = (value: string): number | undefined => {
  if (value === 'random') return undefined;
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  const problem = seedProblem(n, 'run');
  if (problem !== undefined) throw new InvalidArgumentError(`${problem.replace(/, not NaN$/, '')}, or random; got '${value}'`);
  return n;
};

/** `--memory 16GB`: a size with a unit (MB when none). */
export const parseMemoryFlag = (value: string): number => {
  const parsed = parseMemory(value);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.problem);
  if (parsed.bytes <= 0) throw new InvalidArgumentError(`expected a memory size above 0, got '${value}'`);
  return parsed.bytes;
};

/** `--license VCS=2`, repeatable: collects the pools. */
export const collectLicense = (value: string, previous: Readonly<Record<string, number>>): Record<string, number> => {
  const m = /^([^=\s]+)=(\d+)$/.exec(value.trim());
  if (m === null) throw new InvalidArgumentError(`expected NAME=COUNT (for example VCS=2), got '${value}'`);
  const out = { ...previous };
  Object.defineProperty(out, m[1] ?? '', { value: Number(m[2]), enumerable: true, writable: true, configurable: true });
  return out;
};
/** The limit a `--limit-*` option sets: null for unlimited. */
export const limitOf = (option: LimitOption | null): number | null => (option === 'none' ? null : option);
