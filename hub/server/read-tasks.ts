// The hub's heavy reads, run on a piscina pool so that they never hold up the event loop that
// serves pages and live streams: a user's SQL, the CSV of its result, the failure groups,
// history across runs, a long job's line index, the timeline and the run's resource series.
// Each task names its database by path; connections are kept per worker thread.
import type Database from 'better-sqlite3';
import { ReaderError } from '../../storage/readers/errors.js';
import { readHistory, type History } from '../../storage/readers/history.js';
import { readLineIds, type LineFilter } from '../../storage/readers/job-lines.js';
import type { RunStatus } from '../../storage/readers/liveness.js';
import { openRunDatabase } from '../../storage/readers/open-run.js';
import { readRunResources, resourceBucket, type RunResourceSeries } from '../../storage/readers/resource-series.js';
import { readTimeline, type Timeline } from '../../storage/readers/timeline.js';
import { readRunReport, type RunReport } from '../../storage/readers/triage.js';
import { cellText, csvField, prepareUserQuery, type Cell } from '../../storage/readers/user-query.js';

export type ReadTask =
  | { readonly kind: 'query'; readonly dbPath: string; readonly sql: string; readonly maxRows: number }
  | { readonly kind: 'csv'; readonly dbPath: string; readonly sql: string; readonly maxRows: number }
  | { readonly kind: 'failures'; readonly dbPath: string }
  | { readonly kind: 'history'; readonly sources: readonly { name: string; dbPath: string }[] }
  | { readonly kind: 'line-ids'; readonly dbPath: string; readonly jobId: number; readonly filter: LineFilter; readonly afterId: number }
  | { readonly kind: 'timeline'; readonly dbPath: string; readonly status: RunStatus }
  | { readonly kind: 'resources'; readonly dbPath: string };

export interface QueryRows {
  readonly columns: string[];
  readonly rows: (string | number | null)[][];
  readonly truncated: boolean;
}

export interface CsvText {
  readonly csv: string;
  readonly rows: number;
  readonly truncated: boolean;
}

export interface FailureReport {
  readonly report: RunReport;
  /** Node id of every failed job's path. */
  readonly ids: Record<string, number>;
}

/** What each task kind answers. */
export interface ReadResults {
  query: QueryRows;
  csv: CsvText;
  failures: FailureReport;
  history: History;
  'line-ids': Float64Array;
  timeline: Timeline;
  resources: RunResourceSeries & { readonly bucket: number };
}

/** A failed task's answer: a user error travels as data, so the pool does not log it. */
export interface TaskError {
  readonly taskError: string;
}

const MAX_CONNECTIONS = 16;
const connections = new Map<string, Database.Database>();

const connection = (dbPath: string): Database.Database => {
  const open = connections.get(dbPath);
  if (open !== undefined && open.open) return open;
  if (connections.size >= MAX_CONNECTIONS) {
    const [oldest, db] = connections.entries().next().value as [string, Database.Database];
    db.close();
    connections.delete(oldest);
  }
  const db = openRunDatabase(dbPath);
  connections.set(dbPath, db);
  return db;
};

/** A cell as JSON can carry it: numbers as numbers (big integers beyond 2^53 as text), the rest as `gator query` prints it. */
const cellValue = (cell: Cell): string | number | null => {
  if (cell === null || typeof cell === 'number') return cell;
  if (typeof cell === 'bigint' && Number.isSafeInteger(Number(cell))) return Number(cell);
  return cellText(cell);
};

function runQuery(dbPath: string, sql: string, maxRows: number): QueryRows {
  const prepared = prepareUserQuery(connection(dbPath), sql);
  const rows: (string | number | null)[][] = [];
  const iterator = prepared.rows();
  let truncated = false;
  for (;;) {
    const next = iterator.next();
    if (next.done === true) break;
    if (rows.length >= maxRows) {
      truncated = true;
      iterator.return?.();
      break;
    }
    rows.push(next.value.map(cellValue));
  }
  return { columns: [...prepared.columns], rows, truncated };
}

function runCsv(dbPath: string, sql: string, maxRows: number): CsvText {
  const prepared = prepareUserQuery(connection(dbPath), sql);
  const parts = [`${prepared.columns.map(csvField).join(',')}\r\n`];
  let rows = 0;
  let truncated = false;
  const iterator = prepared.rows();
  for (;;) {
    const next = iterator.next();
    if (next.done === true) break;
    if (rows >= maxRows) {
      truncated = true;
      iterator.return?.();
      break;
    }
    parts.push(`${next.value.map((cell) => csvField(cellText(cell))).join(',')}\r\n`);
    rows++;
  }
  return { csv: parts.join(''), rows, truncated };
}

function failures(dbPath: string): FailureReport {
  const report = readRunReport(dbPath);
  const paths = report.failures.buckets.flatMap((bucket) => bucket.paths);
  const ids: Record<string, number> = {};
  if (paths.length > 0) {
    const rows = connection(dbPath).prepare('SELECT path, id FROM jobs WHERE path IN (SELECT value FROM json_each(?))').raw().all(JSON.stringify(paths)) as [
      string,
      number,
    ][];
    for (const [path, id] of rows) ids[path] = id;
  }
  return { report, ids };
}

function perform(task: ReadTask): ReadResults[ReadTask['kind']] {
  switch (task.kind) {
    case 'query':
      return runQuery(task.dbPath, task.sql, task.maxRows);
    case 'csv':
      return runCsv(task.dbPath, task.sql, task.maxRows);
    case 'failures':
      return failures(task.dbPath);
    case 'history':
      return readHistory(task.sources);
    case 'line-ids':
      return readLineIds(connection(task.dbPath), task.jobId, task.filter, task.afterId);
    case 'timeline':
      return readTimeline(connection(task.dbPath), task.status);
    case 'resources': {
      const db = connection(task.dbPath);
      const bucket = resourceBucket(db);
      return { ...readRunResources(db, bucket), bucket };
    }
    default: {
      const unknown: never = task;
      throw new Error(`unknown read task ${JSON.stringify(unknown)}`);
    }
  }
}

/** The pool's entry: a task's result, or its user-facing error as data. */
export default function readTask(task: ReadTask): ReadResults[ReadTask['kind']] | TaskError {
  try {
    return perform(task);
  } catch (error) {
    if (error instanceof ReaderError) return { taskError: error.message };
    throw error;
  }
}
