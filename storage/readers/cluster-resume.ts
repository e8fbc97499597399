// What `gator attach` needs to take a cluster run over from a head that died: the run's stored
// options, every node's state, and for each job still in flight how far its spool was
// ingested, what it had printed by severity and its first error line. Read from the internal
// tables: the offsets and the rows were committed together, so they agree.
import type Database from 'better-sqlite3';
import type { MessageCounts } from '../batch.js';
import { Result, Severity, State, type ResultCode } from '../../vocabulary/codes.js';

export interface InFlightJob {
  readonly id: number;
  readonly offset: number;
  readonly clusterId: string | null;
  readonly counts: MessageCounts;
  readonly firstError: string | null;
  readonly startedAt: number | null;
}

export interface ClusterRunState {
  readonly options: Readonly<Record<string, unknown>>;
  /** Nodes that completed, with their result. */
  readonly complete: ReadonlyMap<number, ResultCode>;
  /** Jobs launched or running when the head stopped. */
  readonly inFlight: readonly InFlightJob[];
  /** Leaf jobs complete by result, for the tally. */
  readonly tally: { readonly passed: number; readonly failed: number; readonly aborted: number };
}

const FIRST_ERROR_CHARS = 1000;

export function readClusterRunState(db: Database.Database): ClusterRunState {
  const run = db.prepare('SELECT options FROM run_info LIMIT 1').get() as { options: string };
  const nodes = db.prepare('SELECT id, kind, state, result, started_at FROM node').all() as {
    id: number;
    kind: number;
    state: number;
    result: number;
    started_at: number | null;
  }[];
  const offsets = new Map(
    (db.prepare('SELECT job_id, cluster_id, ingested FROM cluster_job').all() as { job_id: number; cluster_id: string | null; ingested: number }[]).map(
      (row) => [row.job_id, row],
    ),
  );
  const countsOf = db.prepare('SELECT severity, count(*) AS n FROM message WHERE job_id = ? GROUP BY severity');
  const firstErrorOf = db.prepare(`SELECT text FROM message WHERE job_id = ? AND severity >= ${Severity.ERROR} ORDER BY id LIMIT 1`);
  const complete = new Map<number, ResultCode>();
  const inFlight: InFlightJob[] = [];
  const tally = { passed: 0, failed: 0, aborted: 0 };
  for (const node of nodes) {
    if (node.state === State.complete) {
      complete.set(node.id, node.result as ResultCode);
      if (node.kind === 0) {
        if (node.result === Result.success) tally.passed++;
        else if (node.result === Result.failure) tally.failed++;
        else if (node.result === Result.aborted) tally.aborted++;
      }
      continue;
    }
    if (node.kind !== 0 || (node.state !== State.launched && node.state !== State.running)) continue;
    const counts: [number, number, number, number, number] = [0, 0, 0, 0, 0];
    for (const row of countsOf.all(node.id) as { severity: number; n: number }[]) counts[row.severity / 10 - 1] = row.n;
    const first = firstErrorOf.get(node.id) as { text: string } | undefined;
    const offset = offsets.get(node.id);
    inFlight.push({
      id: node.id,
      offset: offset?.ingested ?? 0,
      clusterId: offset?.cluster_id ?? null,
      counts,
      firstError: first === undefined ? null : first.text.slice(0, FIRST_ERROR_CHARS),
      startedAt: node.started_at,
    });
  }
  return { options: JSON.parse(run.options) as Record<string, unknown>, complete, inFlight, tally };
}
