// Commander option parsers: a bad value is a usage error naming the option's value.
import { InvalidArgumentError } from 'commander';

export const parseCount = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number of at least 1, got '${value}'`);
  return n;
};

export const parseSeconds = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected seconds (a number ≥ 0), got '${value}'`);
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

/** The limit a `--limit-*` option sets: null for unlimited. */
export const limitOf = (option: LimitOption | null): number | null => (option === 'none' ? null : option);
