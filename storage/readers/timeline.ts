// Every job's start and end for a timeline, as parallel columns (a 100,000-job run is three
// arrays, not 100,000 objects).
import type Database from 'better-sqlite3';
import type { RunStatus } from './liveness.js';
import { categoryOf, type Category } from './node-states.js';
import type { ResultName, StateName } from '../../vocabulary/codes.js';

export interface Timeline {
  readonly ids: number[];
  readonly startedAt: number[];
  /** null while the job runs (or when its run was cut off). */
  readonly endedAt: (number | null)[];
  readonly category: Category[];
}

export function readTimeline(db: Database.Database, status: RunStatus): Timeline {
  const rows = db
    .prepare("SELECT id, started_at, ended_at, state, result FROM jobs WHERE kind = 'job' AND started_at IS NOT NULL ORDER BY started_at, id")
    .raw()
    .all() as [number, number, number | null, StateName, ResultName][];
  return {
    ids: rows.map((row) => row[0]),
    startedAt: rows.map((row) => row[1]),
    endedAt: rows.map((row) => row[2]),
    category: rows.map((row) => categoryOf({ state: row[3], result: row[4] }, status)),
  };
}
