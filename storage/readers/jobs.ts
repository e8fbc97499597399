// The `jobs` view, typed, and the per-job lines reports need (first error, last lines).
import type Database from 'better-sqlite3';
import {
  asFailureKind,
  type FailureKind,
  type NodeKindName,
  type ResultName,
  type SeverityName,
  type StateName,
  type StreamName,
} from '../../vocabulary/codes.js';
import { countJobs, openTally, type Tally } from '../../vocabulary/tally.js';
import { describeAborted, describeFailure, failureKindOf, type FailureFacts } from '../../vocabulary/wording.js';
import type { RetryRule, SeedTemplate } from '../../spec/index.js';
import { parseRetryRule } from '../../spec/retry-rule.js';
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
  /** Jobs: GATOR_SEED, and where it appears in argv, env and cwd. */
  readonly seed: number | null;
  readonly seedTemplate: SeedTemplate | null;
  /** Parameter values of the enclosing arrays. */
  readonly params: Readonly<Record<string, string>> | null;
  /** Seconds: a job's timeout or a group's group_timeout. */
  readonly timeout: number | null;
  readonly retries: number | null;
  readonly retryOn: readonly RetryRule[] | null;
  readonly mkdir: boolean;
  /** The attempt the result comes from; 1 unless retried. */
  readonly attempt: number;
  readonly flaky: boolean;
  /** What the job holds while it runs. */
  readonly cores: number | null;
  readonly memory: number | null;
  readonly licenses: Readonly<Record<string, number>> | null;
  readonly queuedAt: number | null;
  readonly launchedAt: number | null;
  readonly waitedFor: string | null;
  /** The fact behind a pattern or test-results failure. */
  readonly failureDetail: string | null;
  /** The limits the job was judged by (null: unlimited). */
  readonly limits: { readonly warning: number | null; readonly error: number | null; readonly critical: number | null };
  /** Its spec's parsers, patterns, stderr severity and limits as recorded (JSON), or null. */
  readonly rules: string | null;
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
  seed: number | null;
  seed_template: string | null;
  params: string | null;
  timeout: number | null;
  retries: number | null;
  retry_on: string | null;
  mkdir: number | null;
  attempt: number;
  flaky: number;
  cores: number | null;
  memory: number | null;
  licenses: string | null;
  queued_at: number | null;
  launched_at: number | null;
  waited_for: string | null;
  failure_detail: string | null;
  limit_warning: number | null;
  limit_error: number | null;
  limit_critical: number | null;
  rules: string | null;
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
const isNumberRecord = (value: unknown): value is Record<string, number> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'number');
const isObject = (value: unknown): value is SeedTemplate => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The stored rule texts, read back; a text this version does not know is left out. */
const retryRules = (text: string | null): RetryRule[] | null => {
  const texts = parseJson(text, isStringArray);
  if (texts === null) return null;
  return texts.flatMap((t) => {
    const parsed = parseRetryRule(t);
    return parsed.ok ? [parsed.rule] : [];
  });
};

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
  failure: asFailureKind(row.failure),
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
  seed: row.seed,
  seedTemplate: parseJson(row.seed_template, isObject),
  params: parseJson(row.params, isStringRecord),
  timeout: row.timeout,
  retries: row.retries,
  retryOn: retryRules(row.retry_on),
  mkdir: row.mkdir === 1,
  attempt: row.attempt,
  flaky: row.flaky === 1,
  cores: row.cores,
  memory: row.memory,
  licenses: parseJson(row.licenses, isNumberRecord),
  queuedAt: row.queued_at,
  launchedAt: row.launched_at,
  waitedFor: row.waited_for,
  failureDetail: row.failure_detail,
  limits: { warning: row.limit_warning, error: row.limit_error, critical: row.limit_critical },
  rules: row.rules,
});

const JOB_COLUMNS = `id, parent_id, path, ident, kind, array_index, array_indices, state, result, failure, exit_code, signal, pid,
  started_at, ended_at, command, argv, env, cwd, msg_debug, msg_info, msg_warning, msg_error, msg_critical,
  cpu_peak, rss_peak, rerun_of, seed, seed_template, params, timeout, retries, retry_on, mkdir, attempt, flaky,
  cores, memory, licenses, queued_at, launched_at, waited_for, failure_detail, limit_warning, limit_error, limit_critical, rules`;

/** Every node of the run in id order (pre-order: parents before children, spec order). */
export function readJobs(db: Database.Database): JobRow[] {
  const rows = db.prepare(`SELECT ${JOB_COLUMNS} FROM jobs ORDER BY id`).all() as RawJob[];
  return rows.map(toJob);
}

/** One node by id, or null when the run has no such node. */
export function readJob(db: Database.Database, id: number): JobRow | null {
  const row = db.prepare(`SELECT ${JOB_COLUMNS} FROM jobs WHERE id = ?`).get(id) as RawJob | undefined;
  return row === undefined ? null : toJob(row);
}

/** The first ERROR or CRITICAL line of the job's `attempt` (its last, for its verdict), the one triage starts from. */
export function firstErrorLine(db: Database.Database, jobId: number, attempt = 1): string | null {
  // A retried job failed for its last attempt: its first error is that attempt's.
  const text = db
    .prepare("SELECT text FROM messages WHERE job_id = ? AND attempt = ? AND severity IN ('ERROR', 'CRITICAL') ORDER BY id LIMIT 1")
    .pluck()
    .get(jobId, attempt) as string | undefined;
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

export type { Tally } from '../../vocabulary/tally.js';

/** Leaf-job counts as shown, so a cut-off job is never counted as passed or pending. */
export function tallyJobs(jobs: readonly JobRow[], status: RunStatus): Tally {
  const tally = openTally();
  for (const job of jobs) if (job.kind === 'job') countJobs(tally, shownJob(job, status).result);
  return tally;
}

const facts = (job: JobRow): FailureFacts => ({
  failure: job.failure,
  exitCode: job.exitCode,
  signal: job.signal,
  errors: job.messages.ERROR,
  warnings: job.messages.WARNING,
  criticals: job.messages.CRITICAL,
  timeout: job.timeout,
  limits: job.limits,
  detail: job.failureDetail,
});

/** Why a job did not pass, in a few words, as reports show it. */
export function failureReason(job: JobRow, shown: ShownResult): string {
  if (shown === 'cut-off') return describeFailure({ failure: 'cut-off', exitCode: null, signal: null });
  if (shown === 'aborted') return describeAborted('job', 1);
  return describeFailure(facts(job));
}

/** The failure kind a report files a job under. */
export function failureKind(job: JobRow, shown: ShownResult): FailureKind {
  return shown === 'cut-off' ? 'cut-off' : failureKindOf(facts(job));
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
  const tally = openTally();
  for (const row of rows) countJobs(tally, shownJob(row, status).result, row.n);
  return tally;
}
