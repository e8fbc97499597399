// The `jobs` view, typed, and the per-job lines reports need (first error, last lines).
import { describeFailure } from '../failure-text.js';
import type Database from 'better-sqlite3';
import type { FailureKind, NodeKindName, ResultName, SeverityName, StateName, StreamName } from '../schema.js';
import { shownJob, type RunStatus, type ShownResult } from './liveness.js';

export interface JobRow {
  readonly id: number;
  readonly parentId: number | null;
  readonly path: string;
  readonly ident: string;
  readonly kind: NodeKindName;
  readonly arrayIndex: number | null;
  /** Every enclosing array's index, outermost first. */
  readonly arrayIndices: readonly number[] | null;
  readonly state: StateName;
  readonly result: ResultName;
  readonly failure: FailureKind | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly pid: number | null;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly command: string | null;
  /** Command then arguments, as executed (jobs only). */
  readonly argv: readonly string[] | null;
  /** The spec's overlay on the OS environment (jobs only). */
  readonly env: Readonly<Record<string, string>> | null;
  readonly cwd: string | null;
  readonly messages: Readonly<Record<SeverityName, number>>;
  readonly cpuPeak: number | null;
  readonly rssPeak: number | null;
  /** In a rerun: the node id this job repeats in the earlier run. */
  readonly rerunOf: number | null;
}

interface RawJob {
  id: number;
  parent_id: number | null;
  path: string;
  ident: string;
  kind: NodeKindName;
  array_index: number | null;
  array_indices: string | null;
  state: StateName;
  result: ResultName;
  failure: string | null;
  exit_code: number | null;
  signal: string | null;
  pid: number | null;
  started_at: number | null;
  ended_at: number | null;
  command: string | null;
  argv: string | null;
  env: string | null;
  cwd: string | null;
  msg_debug: number;
  msg_info: number;
  msg_warning: number;
  msg_error: number;
  msg_critical: number;
  cpu_peak: number | null;
  rss_peak: number | null;
  rerun_of: number | null;
}

const parseJson = <T>(text: string | null, valid: (value: unknown) => value is T): T | null => {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return valid(value) ? value : null;
  } catch {
    return null;
  }
};

const isNumberArray = (value: unknown): value is number[] => Array.isArray(value) && value.every((v) => typeof v === 'number');
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');
const isStringRecord = (value: unknown): value is Record<string, string> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');

const toJob = (row: RawJob): JobRow => ({
  id: row.id,
  parentId: row.parent_id,
  path: row.path,
  ident: row.ident,
  kind: row.kind,
  arrayIndex: row.array_index,
  arrayIndices: parseJson(row.array_indices, isNumberArray),
  state: row.state,
  result: row.result,
  failure: row.failure as FailureKind | null,
  exitCode: row.exit_code,
  signal: row.signal,
  pid: row.pid,
  startedAt: row.started_at,
  endedAt: row.ended_at,
  command: row.command,
  argv: parseJson(row.argv, isStringArray),
  env: parseJson(row.env, isStringRecord),
  cwd: row.cwd,
  messages: { DEBUG: row.msg_debug, INFO: row.msg_info, WARNING: row.msg_warning, ERROR: row.msg_error, CRITICAL: row.msg_critical },
  cpuPeak: row.cpu_peak,
  rssPeak: row.rss_peak,
  rerunOf: row.rerun_of,
});

/** Every node of the run in id order (pre-order: parents before children, spec order). */
export function readJobs(db: Database.Database): JobRow[] {
  const rows = db
    .prepare(
      `SELECT id, parent_id, path, ident, kind, array_index, array_indices, state, result, failure, exit_code, signal, pid,
              started_at, ended_at, command, argv, env, cwd, msg_debug, msg_info, msg_warning, msg_error, msg_critical,
              cpu_peak, rss_peak, rerun_of
       FROM jobs ORDER BY id`,
    )
    .all() as RawJob[];
  return rows.map(toJob);
}

/** The job's first ERROR or CRITICAL line, the one triage starts from. */
export function firstErrorLine(db: Database.Database, jobId: number): string | null {
  const text = db.prepare("SELECT text FROM messages WHERE job_id = ? AND severity IN ('ERROR', 'CRITICAL') ORDER BY id LIMIT 1").pluck().get(jobId) as
    string | undefined;
  return text ?? null;
}

export interface TailLine {
  readonly ts: number;
  readonly severity: SeverityName;
  readonly stream: StreamName;
  readonly text: string;
}

/** The job's last `count` lines, oldest first, and how many lines it has in all. */
export function tailLines(db: Database.Database, jobId: number, count: number): { total: number; lines: TailLine[] } {
  const total = db.prepare('SELECT count(*) FROM messages WHERE job_id = ?').pluck().get(jobId) as number;
  const lines = (
    db.prepare('SELECT ts, severity, stream, text FROM messages WHERE job_id = ? ORDER BY id DESC LIMIT ?').all(jobId, count) as TailLine[]
  ).reverse();
  return { total, lines };
}

export interface Tally {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly aborted: number;
  /** Launched or running when the runner died. */
  readonly cutOff: number;
  /** Not finished yet (pending, or running in a live run; pending in a cut-off run). */
  readonly unfinished: number;
}

/** Leaf-job counts as shown, so a cut-off job is never counted as passed or pending. */
export function tallyJobs(jobs: readonly JobRow[], status: RunStatus): Tally {
  let total = 0;
  let passed = 0;
  let failed = 0;
  let aborted = 0;
  let cutOff = 0;
  let unfinished = 0;
  for (const job of jobs) {
    if (job.kind !== 'job') continue;
    total++;
    const shown = shownJob(job, status);
    if (shown.result === 'cut off') cutOff++;
    else if (shown.result === 'success') passed++;
    else if (shown.result === 'failure') failed++;
    else if (shown.result === 'aborted') aborted++;
    else unfinished++;
  }
  return { total, passed, failed, aborted, cutOff, unfinished };
}

/** Why a job did not pass, in a few words, as reports show it. */
export function failureReason(job: JobRow, shown: ShownResult): string {
  if (shown === 'cut off') return describeFailure({ failure: 'cut-off', exitCode: null, signal: null });
  if (shown === 'aborted') return 'aborted: a dependency did not go the required way';
  return describeFailure({
    failure: job.failure,
    exitCode: job.exitCode,
    signal: job.signal,
    errors: job.messages.ERROR,
    warnings: job.messages.WARNING,
    criticals: job.messages.CRITICAL,
  });
}

/** The failure kind a report files a job under (the stored one, else derived). */
export function failureKind(job: JobRow, shown: ShownResult): string {
  if (shown === 'cut off') return 'cut-off';
  if (job.failure !== null) return job.failure;
  if (job.signal !== null) return 'signal';
  if (job.exitCode !== null && job.exitCode !== 0) return 'exit';
  if (job.messages.CRITICAL > 0) return 'critical-count';
  if (job.messages.ERROR > 0) return 'error-count';
  return 'failure';
}

/** Seconds the job ran: to its end, or to `until` (the run's end) when it never ended. */
export function jobDuration(job: Pick<JobRow, 'startedAt' | 'endedAt'>, until: number): number {
  if (job.startedAt === null) return 0;
  return Math.max(0, (job.endedAt ?? until) - job.startedAt);
}

/** The same tally counted by SQLite, for listing many runs without reading every node. */
export function tallyFromDb(db: Database.Database, status: RunStatus): Tally {
  const rows = db.prepare("SELECT state, result, count(*) AS n FROM jobs WHERE kind = 'job' GROUP BY state, result").all() as {
    state: StateName;
    result: ResultName;
    n: number;
  }[];
  const counts = { total: 0, passed: 0, failed: 0, aborted: 0, cutOff: 0, unfinished: 0 };
  for (const row of rows) {
    counts.total += row.n;
    const shown = shownJob(row, status);
    if (shown.result === 'cut off') counts.cutOff += row.n;
    else if (shown.result === 'success') counts.passed += row.n;
    else if (shown.result === 'failure') counts.failed += row.n;
    else if (shown.result === 'aborted') counts.aborted += row.n;
    else counts.unfinished += row.n;
  }
  return counts;
}
