// The end-of-run report read back from a run database: a row per top-level group and array, and
// the failures grouped by their first ERROR line (numbers and hex normalised so seeds and
// addresses don't split a bucket). Reads only the public views, so it works on any database a
// user can query, live (WAL) or after a crash.
import Database from 'better-sqlite3';
import { asFailureKind, type ResultName } from '../../vocabulary/codes.js';
import { countJobs, openTally } from '../../vocabulary/tally.js';
import { describeFailure, errorSignature, replayCommand } from '../../vocabulary/wording.js';
import { NotARunDatabaseError } from './errors.js';
import { readJob } from './jobs.js';
import { reproCommand } from './repro.js';
import { readMetricRollup, type RolledUpMetric } from './metrics.js';
import { readRun, type RunRow } from './run-info.js';

export interface Counts {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly aborted: number;
  /** Leaf jobs without a final result (the run was interrupted or is still live). */
  readonly unfinished: number;
}

export interface GroupRow extends Counts {
  readonly path: string;
  /** `group` / `array`, or `jobs` for the leaf jobs directly under the root, gathered in one row. */
  readonly kind: 'group' | 'array' | 'job' | 'jobs';
  /** Seconds from the first start to the last end below it; null when nothing ran. */
  readonly duration: number | null;
  /** The largest peak RSS of any one job below it, bytes. */
  readonly peakRss: number | null;
}

export interface ReportLine {
  readonly ts: number;
  readonly severity: string;
  readonly stream: string;
  readonly text: string;
}

export interface FailureExample {
  readonly path: string;
  readonly jobId: number;
  /** Why it failed in words: exit code, signal, message counts. */
  readonly reason: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly failure: string | null;
  readonly firstError: string | null;
  /** The job's last lines, oldest first. */
  readonly lastLines: readonly ReportLine[];
  /** The command that shows its whole log. */
  readonly replay: string;
  /** The shell line that runs it again outside gator (`gator repro`); null when not recorded. */
  readonly repro: string | null;
  /** Its seed and parameter values, to say which instance it was. */
  readonly seed: number | null;
  readonly params: Readonly<Record<string, string>> | null;
}

export interface FailureBucket {
  /** The first ERROR line with numbers and hex normalised; a reason when there is no ERROR line. */
  readonly signature: string;
  readonly count: number;
  /** Every failed job in the bucket, in the order they ended. */
  readonly paths: readonly string[];
  readonly example: FailureExample;
}

export interface RunReport {
  readonly dbPath: string;
  readonly run: Pick<RunRow, 'id' | 'specPath' | 'startedAt' | 'endedAt' | 'result' | 'exitCode'> | null;
  readonly totals: Counts & { readonly duration: number | null; readonly peakRss: number | null };
  readonly groups: readonly GroupRow[];
  readonly failures: { readonly jobs: number; readonly buckets: readonly FailureBucket[] };
  /** Jobs that passed only after a retry, with the attempt that passed. */
  readonly flaky: readonly { readonly path: string; readonly attempt: number }[];
  /** Metrics rolled up per group, array and the run (empty when no job reported any). */
  readonly metrics: readonly RolledUpMetric[];
}

export interface ReadReportOptions {
  /** How many of an example's last lines to keep. */
  readonly contextLines?: number;
}

interface NodeRow {
  readonly id: number;
  readonly parent_id: number | null;
  readonly path: string;
  readonly kind: 'job' | 'group' | 'array';
  readonly result: ResultName;
  readonly exit_code: number | null;
  readonly signal: string | null;
  readonly failure: string | null;
  readonly started_at: number | null;
  readonly ended_at: number | null;
  readonly rss_peak: number | null;
  readonly msg_error: number;
  readonly msg_critical: number;
  readonly msg_warning: number;
  readonly timeout: number | null;
  readonly attempt: number;
  readonly flaky: number;
  readonly failure_detail: string | null;
  readonly limit_warning: number | null;
  readonly limit_error: number | null;
  readonly limit_critical: number | null;
}

const reasonOf = (row: NodeRow): string =>
  describeFailure({
    failure: asFailureKind(row.failure),
    exitCode: row.exit_code,
    signal: row.signal,
    errors: row.msg_error,
    warnings: row.msg_warning,
    criticals: row.msg_critical,
    timeout: row.timeout,
    limits: { warning: row.limit_warning, error: row.limit_error, critical: row.limit_critical },
    detail: row.failure_detail,
  });

/** A group's leaf-job tally, plus when its jobs ran and their peak memory. */
class GroupTally {
  readonly tally = openTally();
  firstStart: number | null = null;
  lastEnd: number | null = null;
  peakRss: number | null = null;

  get total(): number {
    return this.tally.total;
  }

  add(row: NodeRow): void {
    countJobs(this.tally, row.result);
    if (row.started_at !== null && (this.firstStart === null || row.started_at < this.firstStart)) this.firstStart = row.started_at;
    if (row.ended_at !== null && (this.lastEnd === null || row.ended_at > this.lastEnd)) this.lastEnd = row.ended_at;
    if (row.rss_peak !== null && (this.peakRss === null || row.rss_peak > this.peakRss)) this.peakRss = row.rss_peak;
  }

  counts(): Counts & { duration: number | null; peakRss: number | null } {
    const duration = this.firstStart !== null && this.lastEnd !== null ? Math.max(0, this.lastEnd - this.firstStart) : null;
    const { total, passed, failed, aborted, unfinished } = this.tally;
    return { total, passed, failed, aborted, unfinished, duration, peakRss: this.peakRss };
  }
}

/** For every node, the root's child it sits under (itself for the root's children). */
const topLevelOf = (rows: readonly NodeRow[], rootId: number): Map<number, number> => {
  const parents = new Map(rows.map((row) => [row.id, row.parent_id]));
  const top = new Map<number, number>();
  const resolve = (id: number): number => {
    const known = top.get(id);
    if (known !== undefined) return known;
    const parent = parents.get(id) ?? null;
    const answer = parent === null || parent === rootId ? id : resolve(parent);
    top.set(id, answer);
    return answer;
  };
  for (const row of rows) if (row.id !== rootId) resolve(row.id);
  return top;
};

const groupRows = (rows: readonly NodeRow[]): { groups: GroupRow[]; totals: GroupTally } => {
  const totals = new GroupTally();
  const root = rows.find((row) => row.parent_id === null);
  const leaves = rows.filter((row) => row.kind === 'job');
  for (const leaf of leaves) totals.add(leaf);
  if (root === undefined) return { groups: [], totals };
  if (root.kind === 'job') return { groups: [{ path: root.path, kind: 'job', ...totals.counts() }], totals };
  const top = topLevelOf(rows, root.id);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const tallies = new Map<number, GroupTally>();
  const direct = new GroupTally();
  for (const leaf of leaves) {
    const topId = top.get(leaf.id) ?? leaf.id;
    if (topId === leaf.id) {
      direct.add(leaf);
      continue;
    }
    let tally = tallies.get(topId);
    if (tally === undefined) tallies.set(topId, (tally = new GroupTally()));
    tally.add(leaf);
  }
  const groups: GroupRow[] = [];
  // Rows in spec order (node ids are assigned depth-first), groups and arrays with no leaf too.
  for (const row of rows) {
    if (row.parent_id !== root.id || row.kind === 'job') continue;
    const tally = tallies.get(row.id) ?? new GroupTally();
    groups.push({ path: byId.get(row.id)?.path ?? row.path, kind: row.kind, ...tally.counts() });
  }
  if (direct.total > 0) groups.push({ path: root.path, kind: 'jobs', ...direct.counts() });
  return { groups, totals };
};

/** Reads the end-of-run report from a run database, through its public views only. */
/** The run row, or null for a database that has none (the report still shows its jobs). */
const readRunOrNull = (db: Database.Database, dbPath: string): RunRow | null => {
  try {
    return readRun(db, dbPath);
  } catch (error) {
    if (error instanceof NotARunDatabaseError) return null;
    throw error;
  }
};

export const readRunReport = (dbPath: string, options: ReadReportOptions = {}): RunReport => {
  const contextLines = options.contextLines ?? 8;
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const runRow = readRunOrNull(db, dbPath);
    const rows = db
      .prepare<[], NodeRow>(
        `SELECT id, parent_id, path, kind, result, exit_code, signal, failure, started_at, ended_at, rss_peak,
                msg_error, msg_critical, msg_warning, timeout, attempt, flaky, failure_detail, limit_warning, limit_error, limit_critical
         FROM jobs ORDER BY id`,
      )
      .all();
    const { groups, totals } = groupRows(rows);

    // A retried job failed for its last attempt: its first error is that attempt's.
    const firstError = db.prepare<[number, number], { text: string }>(
      `SELECT text FROM messages WHERE job_id = ? AND attempt = ? AND severity IN ('ERROR', 'CRITICAL') ORDER BY id LIMIT 1`,
    );
    const lastLines = db.prepare<[number, number], ReportLine>('SELECT ts, severity, stream, text FROM messages WHERE job_id = ? ORDER BY id DESC LIMIT ?');
    const failed = rows
      .filter((row) => row.kind === 'job' && row.result === 'failure')
      .sort((a, b) => (a.ended_at ?? Infinity) - (b.ended_at ?? Infinity) || a.id - b.id);
    const buckets = new Map<string, { rows: NodeRow[]; firstError: string | null }>();
    for (const row of failed) {
      const error = firstError.get(row.id, row.attempt)?.text ?? null;
      const signature = error === null ? `(no ERROR line) ${reasonOf(row)}` : errorSignature(error);
      const bucket = buckets.get(signature);
      if (bucket === undefined) buckets.set(signature, { rows: [row], firstError: error });
      else bucket.rows.push(row);
    }
    const failureBuckets: FailureBucket[] = [...buckets.entries()]
      .map(([signature, bucket]): FailureBucket => {
        const example = bucket.rows[0] as NodeRow;
        // The same row `gator repro` reads: the repro line, the seed and the parameters.
        const job = readJob(db, example.id);
        return {
          signature,
          count: bucket.rows.length,
          paths: bucket.rows.map((row) => row.path),
          example: {
            path: example.path,
            jobId: example.id,
            reason: reasonOf(example),
            exitCode: example.exit_code,
            signal: example.signal,
            failure: example.failure,
            firstError: bucket.firstError,
            lastLines: lastLines.all(example.id, contextLines).reverse(),
            replay: replayCommand(dbPath, example.path),
            repro: job === null ? null : reproCommand(job),
            seed: job?.seed ?? null,
            params: job?.params ?? null,
          },
        };
      })
      // Biggest bucket first: the triage view starts with what broke the most jobs.
      .sort((a, b) => b.count - a.count);

    return {
      dbPath,
      run:
        runRow === null
          ? null
          : {
              id: runRow.id,
              specPath: runRow.specPath,
              startedAt: runRow.startedAt,
              endedAt: runRow.endedAt,
              result: runRow.result,
              exitCode: runRow.exitCode,
            },
      totals: totals.counts(),
      groups,
      failures: { jobs: failed.length, buckets: failureBuckets },
      flaky: rows.filter((row) => row.kind === 'job' && row.flaky === 1).map((row) => ({ path: row.path, attempt: row.attempt })),
      metrics: readMetricRollup(db),
    };
  } finally {
    db.close();
  }
};
