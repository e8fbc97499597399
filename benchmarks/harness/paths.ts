// Where things are: the repository root (the harness always runs commands from there), the
// runner's entry point, and the default work and results locations.
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const GATOR_BIN = join(ROOT, 'bin', 'gator.js');
export const DEFAULT_WORK_DIR = join(ROOT, 'benchmarks', '.work');
export const DEFAULT_RESULTS = join(ROOT, 'benchmarks', 'RESULTS.md');

/** A path as shown in RESULTS.md: relative to the repository root when it lies inside it. */
export const shown = (path: string): string => {
  const inside = relative(ROOT, path);
  return inside === '' ? '.' : inside.startsWith('..') ? path : inside;
};

/** Quotes one argument for a POSIX shell, only when it needs it. */
export const shellQuote = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`);
