// The runs under a tracking root, newest first, each with its tally and liveness, for
// `gator runs`. A directory whose database cannot be read is listed with the reason.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ReaderError, RunNotFoundError } from './errors.js';
import { tallyFromDb, type Tally } from './jobs.js';
import { runEndTime, runStatus, type LivenessProbe, type RunStatus, systemProbe } from './liveness.js';
import { LATEST_LINK, openRunDatabase, RUN_DB_NAME } from './open-run.js';
import { readRun, type RunRow } from './run-info.js';

export interface ListedRun {
  /** The tracking directory's name under the root. */
  readonly name: string;
  readonly dir: string;
  readonly dbPath: string;
  readonly run: RunRow;
  readonly status: RunStatus;
  readonly duration: number;
  readonly tally: Tally;
  /** Whether ./tracking/latest points here. */
  readonly latest: boolean;
  /** For a rerun: the name of the listed run it reruns, when it is under the same root. */
  readonly rerunOfName: string | null;
}

export interface UnreadableRun {
  readonly name: string;
  readonly dir: string;
  readonly dbPath: string;
  readonly error: string;
}

const exists = (path: string): boolean => {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
};

const realpath = (path: string): string | null => {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
};

/** A run database found under a tracking root, not yet opened. */
export interface FoundRun {
  readonly name: string;
  readonly dir: string;
  readonly dbPath: string;
}

/** The run databases directly under a tracking root (and the root's own, when it is a run), by name. */
export function findRuns(root: string): FoundRun[] {
  let entries: string[];
  try {
    if (!statSync(root).isDirectory()) throw new RunNotFoundError(root, 'not a directory');
    entries = readdirSync(root);
  } catch (error) {
    if (error instanceof ReaderError) throw error;
    throw new RunNotFoundError(root, 'no such directory', { cause: error });
  }
  const found: FoundRun[] = [];
  // The root itself may be one run's directory.
  if (exists(join(root, RUN_DB_NAME))) found.push({ name: '.', dir: root, dbPath: join(root, RUN_DB_NAME) });
  for (const name of entries.sort()) {
    if (name === LATEST_LINK || name.startsWith('.')) continue;
    const dir = join(root, name);
    const dbPath = join(dir, RUN_DB_NAME);
    if (exists(dbPath)) found.push({ name, dir, dbPath });
  }
  return found;
}

export function listRuns(root: string, probe: LivenessProbe = systemProbe): { runs: ListedRun[]; unreadable: UnreadableRun[] } {
  const found = findRuns(root);
  const latest = realpath(join(root, LATEST_LINK));
  const runs: ListedRun[] = [];
  const unreadable: UnreadableRun[] = [];
  for (const entry of found) {
    try {
      const db = openRunDatabase(entry.dbPath);
      try {
        const run = readRun(db, entry.dbPath);
        const status = runStatus(run, probe);
        runs.push({
          ...entry,
          run,
          status,
          duration: Math.max(0, runEndTime(run, status, probe) - run.startedAt),
          tally: tallyFromDb(db, status),
          latest: latest !== null && realpath(entry.dir) === latest,
          rerunOfName: null,
        });
      } finally {
        db.close();
      }
    } catch (error) {
      unreadable.push({ ...entry, error: error instanceof Error ? error.message : String(error) });
    }
  }
  const nameById = new Map(runs.map((listed) => [listed.run.id, listed.name]));
  const named = runs.map((listed) => ({ ...listed, rerunOfName: listed.run.rerunOf === null ? null : (nameById.get(listed.run.rerunOf) ?? null) }));
  named.sort((a, b) => b.run.startedAt - a.run.startedAt || b.name.localeCompare(a.name));
  return { runs: named, unreadable };
}
