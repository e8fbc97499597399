// Where a run's database goes: `--tracking DIR`, or a new timestamped directory under
// ./tracking with ./tracking/latest pointing at it. A run records each job's environment,
// expanded command line and every line it printed, so by default only its owner may read it:
// directories this creates are 0700 and the database 0600; `--shared` makes them readable by
// the owner's group (0750 and 0640), for team tracking directories.
import { chmodSync, existsSync, lstatSync, mkdirSync, renameSync, statSync, symlinkSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './usage-error.js';

export const DB_NAME = 'run.sqlite';

export interface RunModes {
  /** Directories this run creates. */
  readonly dir: number;
  /** The run database (SQLite gives its -wal and -shm files the same). */
  readonly file: number;
}

export const PRIVATE_MODES: RunModes = { dir: 0o700, file: 0o600 };
export const SHARED_MODES: RunModes = { dir: 0o750, file: 0o640 };

export interface Tracking {
  readonly dir: string;
  readonly dbPath: string;
  readonly modes: RunModes;
}

export interface TrackingOptions {
  readonly shared?: boolean;
  /** Told what was odd but did not stop the run (a `latest` that is not a link). */
  readonly warn?: (text: string) => void;
}

const stamp = (date: Date): string => date.toISOString().replaceAll(':', '-').replace('Z', '');

const reason = (error: unknown): string => {
  const code = (error as NodeJS.ErrnoException).code;
  const text = /^[A-Z0-9_]+: ([^,]+)/.exec((error as Error).message)?.[1] ?? (error as Error).message;
  return code === undefined ? text : `${text} (${code})`;
};

const warnOnStderr = (text: string): void => {
  process.stderr.write(`gator: warning: ${text}\n`);
};

/** Creates `dir` and any missing parents with exactly `mode` (not masked by the umask). */
const makeDirs = (dir: string, mode: number, shown: string, hint: string): void => {
  const missing: string[] = [];
  for (let at = dir; !existsSync(at); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  try {
    for (const path of missing) {
      mkdirSync(path, { mode });
      chmodSync(path, mode);
    }
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (error) {
    throw new UsageError(`cannot create the tracking directory ${shown}: ${reason(error)}; ${hint}`, { cause: error });
  }
};

export const prepareTracking = (requested: string | undefined, options: TrackingOptions = {}): Tracking => {
  const modes = options.shared === true ? SHARED_MODES : PRIVATE_MODES;
  const warn = options.warn ?? warnOnStderr;
  if (requested !== undefined) {
    const dir = resolve(requested);
    const dbPath = join(dir, DB_NAME);
    // Checked again, atomically, when the database is linked into place (storage/writer.ts).
    if (existsSync(dbPath)) throw new UsageError(`${requested} already holds a run (${DB_NAME}); choose another --tracking directory`);
    makeDirs(dir, modes.dir, requested, 'choose another --tracking directory');
    return { dir, dbPath, modes };
  }
  const root = resolve('tracking');
  makeDirs(root, modes.dir, './tracking', 'run gator where you can write, or give --tracking DIR');
  const dir = claimRunDir(root, modes.dir);
  linkLatest(root, basename(dir), warn);
  return { dir, dbPath: join(dir, DB_NAME), modes };
};

/** A new timestamped directory, created (not only checked) so that two runs never share one. */
const claimRunDir = (root: string, mode: number): string => {
  const base = stamp(new Date());
  for (let n = 0; ; n++) {
    const dir = join(root, n === 0 ? base : `${base}-${n}`);
    try {
      mkdirSync(dir, { mode });
      chmodSync(dir, mode);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new UsageError(`cannot create a run directory in ./tracking: ${reason(error)}; give --tracking DIR`, { cause: error });
      }
    }
  }
};

/** Points `<root>/latest` at the new run, atomically so concurrent readers never miss it. */
const linkLatest = (root: string, name: string, warn: (text: string) => void): void => {
  const latest = join(root, 'latest');
  let existing: ReturnType<typeof lstatSync> | undefined;
  try {
    existing = lstatSync(latest);
  } catch {
    // None yet.
  }
  if (existing !== undefined && !existing.isSymbolicLink()) {
    // Someone's own directory or file: never replaced, but `latest` would now name a stale run.
    const what = existing.isDirectory() ? 'a directory' : 'a file';
    warn(`tracking/latest is ${what}, not a link, so it was left alone and does not point at this run (tracking/${name})`);
    return;
  }
  const temp = join(root, `.latest-${process.pid}`);
  try {
    removeIfThere(temp);
    symlinkSync(name, temp);
    renameSync(temp, latest);
  } catch (error) {
    removeIfThere(temp);
    warn(`could not point tracking/latest at this run: ${reason(error)}`);
  }
};

const removeIfThere = (path: string): void => {
  try {
    unlinkSync(path);
  } catch {
    // Not there.
  }
};
