// Where a run's database goes: `--tracking DIR`, or a new timestamped directory under
// ./tracking with ./tracking/latest pointing at it.
import { existsSync, mkdirSync, renameSync, symlinkSync, unlinkSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { UsageError } from './usage-error.js';

export const DB_NAME = 'run.sqlite';

const stamp = (date: Date): string => date.toISOString().replaceAll(':', '-').replace('Z', '');

export const prepareTracking = (requested: string | undefined): { dir: string; dbPath: string } => {
  if (requested !== undefined) {
    const dir = resolve(requested);
    const dbPath = join(dir, DB_NAME);
    if (existsSync(dbPath)) throw new UsageError(`${requested} already holds a run (${DB_NAME}); choose another --tracking directory`);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new UsageError(`cannot create tracking directory ${requested}: ${(error as Error).message}`, { cause: error });
    }
    return { dir, dbPath };
  }
  const root = resolve('tracking');
  let dir = join(root, stamp(new Date()));
  for (let n = 1; existsSync(dir); n++) dir = join(root, `${stamp(new Date())}-${n}`);
  mkdirSync(dir, { recursive: true });
  linkLatest(root, basename(dir));
  return { dir, dbPath: join(dir, DB_NAME) };
};

/** Points `<root>/latest` at the new run, atomically so concurrent readers never miss it. */
const linkLatest = (root: string, name: string): void => {
  const temp = join(root, `.latest-${process.pid}`);
  try {
    if (existsSync(temp)) unlinkSync(temp);
    symlinkSync(name, temp);
    renameSync(temp, join(root, 'latest'));
  } catch {
    // A missing link only costs the `tracking/latest` shortcut, never the run.
  }
};
