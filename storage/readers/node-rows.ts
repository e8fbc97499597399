// A few nodes of the `jobs` view by id, with what a row of a tree or a list shows: a window of a
// 100,000-job tree reads only the rows on screen.
import type Database from 'better-sqlite3';
import type { NodeKindName, ResultName, StateName } from '../../vocabulary/codes.js';
import { failureReason, type JobRow } from './jobs.js';
import { shownJob, type RunStatus, type ShownResult, type ShownState } from './liveness.js';

export interface NodeSummary {
  readonly id: number;
  readonly parentId: number | null;
  readonly path: string;
  readonly ident: string;
  readonly kind: NodeKindName;
  readonly state: ShownState;
  readonly result: ShownResult;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly exitCode: number | null;
  /** Why it did not pass, in the reports' words; null unless it failed, was aborted or cut off. */
  readonly reason: string | null;
  readonly errors: number;
  readonly warnings: number;
}

interface RawNode {
  id: number;
  parent_id: number | null;
  path: string;
  ident: string;
  kind: NodeKindName;
  state: StateName;
  result: ResultName;
  failure: string | null;
  exit_code: number | null;
  signal: string | null;
  started_at: number | null;
  ended_at: number | null;
  msg_warning: number;
  msg_error: number;
  msg_critical: number;
  timeout: number | null;
  failure_detail: string | null;
  limit_warning: number | null;
  limit_error: number | null;
  limit_critical: number | null;
}

const asJob = (row: RawNode): JobRow => ({
  id: row.id,
  parentId: row.parent_id,
  path: row.path,
  ident: row.ident,
  kind: row.kind,
  arrayIndex: null,
  arrayIndices: null,
  state: row.state,
  result: row.result,
  failure: row.failure as JobRow['failure'],
  exitCode: row.exit_code,
  signal: row.signal,
  pid: null,
  startedAt: row.started_at,
  endedAt: row.ended_at,
  command: null,
  argv: null,
  env: null,
  cwd: null,
  messages: { DEBUG: 0, INFO: 0, WARNING: row.msg_warning, ERROR: row.msg_error, CRITICAL: row.msg_critical },
  cpuPeak: null,
  rssPeak: null,
  rerunOf: null,
  seed: null,
  seedTemplate: null,
  params: null,
  timeout: row.timeout,
  retries: null,
  retryOn: null,
  mkdir: false,
  attempt: 1,
  flaky: false,
  cores: null,
  memory: null,
  licenses: null,
  queuedAt: null,
  launchedAt: null,
  waitedFor: null,
  failureDetail: row.failure_detail,
  limits: { warning: row.limit_warning, error: row.limit_error, critical: row.limit_critical },
  rules: null,
});

/** Reasons are shown for what did not pass; a passed or unfinished job has none. */
const reasonFor = (job: JobRow, shown: ShownResult): string | null =>
  shown === 'failure' || shown === 'aborted' || shown === 'cut-off' ? failureReason(job, shown) : null;

/** The nodes with these ids, in id order, as a tree row shows them. */
export function readNodeSummaries(db: Database.Database, ids: readonly number[], status: RunStatus): NodeSummary[] {
  if (ids.length === 0) return [];
  const rows = db
    .prepare(
      `SELECT id, parent_id, path, ident, kind, state, result, failure, exit_code, signal, started_at, ended_at,
              msg_warning, msg_error, msg_critical, timeout, failure_detail, limit_warning, limit_error, limit_critical
       FROM jobs WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`,
    )
    .all(JSON.stringify(ids)) as RawNode[];
  return rows.map((row) => {
    const job = asJob(row);
    const shown = shownJob(job, status);
    return {
      id: row.id,
      parentId: row.parent_id,
      path: row.path,
      ident: row.ident,
      kind: row.kind,
      state: shown.state,
      result: shown.result,
      startedAt: row.started_at,
      endedAt: row.ended_at,
      exitCode: row.exit_code,
      reason: reasonFor(job, shown.result),
      errors: row.msg_error + row.msg_critical,
      warnings: row.msg_warning,
    };
  });
}
