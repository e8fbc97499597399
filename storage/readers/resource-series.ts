// Resource use over time from the `samples` view: one job's CPU, memory and process count as
// columns for a plot, and the whole run's, summed over its jobs per sampling tick.
import type Database from 'better-sqlite3';

/** Parallel columns, one entry per sample, oldest first. */
export interface SampleSeries {
  readonly ts: number[];
  readonly cpuPercent: number[];
  readonly rssBytes: number[];
  readonly nproc: number[];
}

/** The run's use per tick: CPU and memory summed over the jobs sampled then, and how many ran. */
export interface RunResourceSeries extends SampleSeries {
  /** Jobs sampled in each tick. */
  readonly jobs: number[];
}

const columns = (rows: readonly [number, number, number, number][]): SampleSeries => ({
  ts: rows.map((row) => row[0]),
  cpuPercent: rows.map((row) => row[1]),
  rssBytes: rows.map((row) => row[2]),
  nproc: rows.map((row) => row[3]),
});

/** One job's samples with ts > `afterTs`, oldest first. */
export function readJobSamples(db: Database.Database, jobId: number, afterTs = -Infinity): SampleSeries {
  const rows = db
    .prepare('SELECT ts, cpu_percent, rss_bytes, nproc FROM samples WHERE job_id = ? AND ts > ? ORDER BY ts')
    .raw()
    .all(jobId, Number.isFinite(afterTs) ? afterTs : -1e300) as [number, number, number, number][];
  return columns(rows);
}

/**
 * The whole run's resource use: samples grouped into buckets of `bucketSeconds` (at least the
 * sampling interval, so one tick of every job lands in one bucket), CPU and memory summed over
 * the distinct jobs in a bucket (their mean within it), process counts likewise.
 */
export function readRunResources(db: Database.Database, bucketSeconds: number): RunResourceSeries {
  const rows = db
    .prepare(
      `SELECT bucket * @bucket AS ts, sum(cpu) AS cpu, sum(rss) AS rss, sum(nproc) AS nproc, count(*) AS jobs
       FROM (SELECT CAST(ts / @bucket AS INTEGER) AS bucket, job_id, avg(cpu_percent) AS cpu, avg(rss_bytes) AS rss, avg(nproc) AS nproc
             FROM samples GROUP BY bucket, job_id)
       GROUP BY bucket ORDER BY bucket`,
    )
    .raw()
    .all({ bucket: bucketSeconds }) as [number, number, number, number, number][];
  return { ...columns(rows.map((row) => [row[0], row[1], row[2], row[3]])), jobs: rows.map((row) => row[4]) };
}

/** A bucket width that keeps a run's plot within about `points` points. */
export function resourceBucket(db: Database.Database, points = 2000): number {
  const span = db.prepare('SELECT min(ts), max(ts) FROM samples').raw().get() as [number | null, number | null];
  if (span[0] === null || span[1] === null) return 1;
  const seconds = span[1] - span[0];
  return Math.max(1, Math.ceil(seconds / points));
}

/** Whether the run has any resource sample. */
export const hasSamples = (db: Database.Database): boolean => db.prepare('SELECT EXISTS (SELECT 1 FROM samples)').pluck().get() === 1;
