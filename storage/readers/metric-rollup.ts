// Metrics rolled up over the run, as the dashboard shows them: per name, how many jobs reported
// it and their sum, min, max and mean (the run's rows of the metric_rollup view, which owns the
// roll-up); and one job's metrics.
import type Database from 'better-sqlite3';

export interface MetricRollup {
  readonly name: string;
  readonly jobs: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

export function readMetricRollup(db: Database.Database): MetricRollup[] {
  return db.prepare("SELECT name, count AS jobs, sum, min, max, mean FROM metric_rollup WHERE scope = 'run' ORDER BY name").all() as MetricRollup[];
}

export function readJobMetrics(db: Database.Database, jobId: number): { name: string; value: number }[] {
  return db.prepare('SELECT name, value FROM metrics WHERE job_id = ? ORDER BY name').all(jobId) as { name: string; value: number }[];
}

/** Whether any job reported a metric. */
export const hasMetrics = (db: Database.Database): boolean => db.prepare('SELECT EXISTS (SELECT 1 FROM metrics)').pluck().get() === 1;
