// Metrics read back: each job's (views `metrics`), and rolled up per group, array and the whole
// run (view `metric_rollup`), for the report, the JSON export and JUnit properties.
import type Database from 'better-sqlite3';

export interface MetricStats {
  readonly name: string;
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

/** A job's metric: its last value, and count/sum/min/max/mean of every value it reported. */
export interface JobMetric extends MetricStats {
  readonly value: number;
}

/** A name rolled up over the jobs below a group or array, or over the whole run (`nodeId` null). */
export interface RolledUpMetric extends MetricStats {
  readonly scope: 'run' | 'group' | 'array';
  readonly nodeId: number | null;
  readonly path: string | null;
}

interface RawRollup {
  scope: 'run' | 'group' | 'array';
  node_id: number | null;
  path: string | null;
  name: string;
  count: number;
  sum: number;
  min: number;
  max: number;
  mean: number;
}

/** Every roll-up row: the run's first, then groups and arrays in spec order; names in order. */
export function readMetricRollup(db: Database.Database): RolledUpMetric[] {
  const rows = db
    .prepare<[], RawRollup>(
      `SELECT scope, node_id, path, name, count, sum, min, max, mean FROM metric_rollup
       ORDER BY node_id IS NOT NULL, node_id, name`,
    )
    .all();
  return rows.map((r) => ({ scope: r.scope, nodeId: r.node_id, path: r.path, name: r.name, count: r.count, sum: r.sum, min: r.min, max: r.max, mean: r.mean }));
}

/** Each job's metrics by job id, names in order. */
export function readJobMetrics(db: Database.Database): Map<number, JobMetric[]> {
  const rows = db
    .prepare<[], JobMetric & { job_id: number }>('SELECT job_id, name, value, count, sum, min, max, mean FROM metrics ORDER BY job_id, name')
    .all();
  const byJob = new Map<number, JobMetric[]>();
  for (const { job_id: jobId, ...metric } of rows) {
    const list = byJob.get(jobId);
    if (list === undefined) byJob.set(jobId, [metric]);
    else list.push(metric);
  }
  return byJob;
}
