// Naming a run: a tracking directory, a `run.sqlite` path, a tracking root (its `latest`), or
// nothing (./tracking/latest). Every command opens the database here, read-only, so that no
// reader can ever change a byte of a run.
import { existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { APPLICATION_ID, PUBLIC_VIEWS, SCHEMA_VERSION } from '../schema.js';
import { NotARunDatabaseError, RunDatabaseVersionError, RunNotFoundError, sqliteMessage } from './errors.js';

/** The database file in every run's tracking directory (the runner's `cli/tracking.ts` agrees). */
export const RUN_DB_NAME = 'run.sqlite';
/** Where runs go when `--tracking` is not given, and the link to the newest one in it. */
export const DEFAULT_TRACKING_ROOT = 'tracking';
export const LATEST_LINK = 'latest';

/** How much of a database readers map into memory (SQLite maps no more than the file). */
const MMAP_BYTES = 1 << 30;

export interface RunLocation {
  readonly dbPath: string;
  /** The run's tracking directory (the database's directory). */
  readonly dir: string;
}

export interface RunDb extends RunLocation {
  readonly db: Database.Database;
  close(): void;
}

const realpath = (path: string): string => {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
};

const isDir = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/**
 * `latest` is the link each run points at itself. Something else by that name (a directory
 * someone made) was left alone by the runs since, so it may be any run: never read it unasked.
 */
const notStale = (latest: string, shown: string): void => {
  let link: boolean;
  try {
    link = lstatSync(latest).isSymbolicLink();
  } catch {
    return; // Missing: reported as such by the caller.
  }
  if (!link) throw new RunNotFoundError(shown, 'it is not the link gator makes, so it may not be the newest run; name the run to read');
};

/**
 * Resolves a RUN argument to its database file, without opening it. Links are resolved, so a
 * path printed from here (a JUnit pointer, say) keeps naming this run after `latest` moves on.
 */
export function resolveRun(arg: string | undefined, cwd: string = process.cwd()): RunLocation {
  const named = arg ?? join(DEFAULT_TRACKING_ROOT, LATEST_LINK);
  if (arg === undefined) notStale(resolve(cwd, named), named);
  const path = realpath(resolve(cwd, named));
  if (!existsSync(path)) {
    const hint = arg === undefined ? 'no runs yet here (name a tracking directory or a run.sqlite)' : 'no such file or directory';
    throw new RunNotFoundError(named, hint);
  }
  if (!isDir(path)) return { dbPath: path, dir: dirname(path) };
  const dbPath = join(path, RUN_DB_NAME);
  if (existsSync(dbPath)) return { dbPath, dir: path };
  // A tracking root (./tracking) names its newest run.
  const latest = join(path, LATEST_LINK, RUN_DB_NAME);
  if (existsSync(latest)) {
    notStale(join(path, LATEST_LINK), join(named, LATEST_LINK));
    const dbPath = realpath(latest);
    return { dbPath, dir: dirname(dbPath) };
  }
  throw new RunNotFoundError(named, `no ${RUN_DB_NAME} in it`);
}

/**
 * Opens a run database read-only (`query_only` as well, so not even a PRAGMA can write) and
 * checks that it is a Gator run database this version can read.
 */
export function openRunDatabase(dbPath: string): Database.Database {
  let db: Database.Database;
  try {
    // The busy timeout covers the instant a live runner checkpoints its WAL.
    db = new Database(dbPath, { readonly: true, fileMustExist: true, timeout: 10_000 });
  } catch (error) {
    throw new NotARunDatabaseError(dbPath, sqliteMessage(error), { cause: error });
  }
  try {
    db.pragma('query_only = 1');
    // Reading through a memory map spares a copy per page: a fifth of a full replay's SQLite time.
    db.pragma(`mmap_size = ${MMAP_BYTES}`);
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    if (applicationId !== 0 && applicationId !== APPLICATION_ID) throw new NotARunDatabaseError(dbPath, 'it belongs to another application');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new RunDatabaseVersionError(dbPath, version, SCHEMA_VERSION);
    const views = new Set(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'view'").pluck().all() as string[]);
    const missing = PUBLIC_VIEWS.filter((view) => !views.has(view));
    // Every gator marks its databases: one of an older schema is refused in so many words, the
    // views it lacks being only the symptom (its columns differ too).
    if (applicationId === APPLICATION_ID && (version < SCHEMA_VERSION || missing.length > 0)) {
      throw new RunDatabaseVersionError(dbPath, version, SCHEMA_VERSION, version < SCHEMA_VERSION ? [] : missing);
    }
    if (missing.length > 0) throw new NotARunDatabaseError(dbPath, `views missing: ${missing.join(', ')}`);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof NotARunDatabaseError || error instanceof RunDatabaseVersionError) throw error;
    throw new NotARunDatabaseError(dbPath, sqliteMessage(error), { cause: error });
  }
}

/** Resolves and opens a run in one step. */
export function openRun(arg: string | undefined, cwd: string = process.cwd()): RunDb {
  const location = resolveRun(arg, cwd);
  const db = openRunDatabase(location.dbPath);
  return { ...location, db, close: () => db.close() };
}
