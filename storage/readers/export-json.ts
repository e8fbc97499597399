// The run as a JSON tree: every node with its shown state and result, duration, peaks, message
// counts and exit code, groups carrying the totals of their subtree. For dashboards and scripts
// that want the whole picture without SQL.
import type Database from 'better-sqlite3';
import { SEVERITY_NAMES, type SeverityName } from '../../vocabulary/codes.js';
import { failureKind, failureReason, firstErrorLine, jobDuration, tallyJobs, type JobRow, type Tally } from './jobs.js';
import { shownJob, type RunStatus, type ShownResult, type ShownState } from './liveness.js';
import { reproCommand } from './repro.js';
import { readJobMetrics, readMetricRollup, type MetricStats, type RolledUpMetric } from './metrics.js';
import type { RunRow } from './run-info.js';

const withMetrics = (metrics: Record<string, JsonMetric> | undefined): { metrics?: Record<string, JsonMetric> } => (metrics === undefined ? {} : { metrics });

export interface JsonNode {
  readonly id: number;
  readonly path: string;
  readonly ident: string;
  readonly kind: JobRow['kind'];
  readonly state: ShownState;
  readonly result: ShownResult;
  readonly failure: string | null;
  readonly reason: string | null;
  readonly firstError: string | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly arrayIndex: number | null;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  /** Seconds; for a group, from its first child's start to its last child's end. */
  readonly duration: number | null;
  /** Percent of one core; for a group, the largest of its jobs'. */
  readonly cpuPeak: number | null;
  /** Bytes; for a group, the largest of its jobs'. */
  readonly rssPeak: number | null;
  /** For a group, summed over its jobs. */
  readonly messages: Readonly<Record<Lowercase<SeverityName>, number>>;
  readonly command?: string | null;
  /** Jobs: the message limits it was judged by (null: unlimited). */
  readonly limits?: JobRow['limits'];
  /**
   * By name. A job's: its last value and count/sum/min/max/mean of all it reported; a group's or
   * array's: count/sum/min/max/mean over its jobs' last values (view metric_rollup).
   */
  readonly metrics?: Readonly<Record<string, JsonMetric>>;
  readonly children?: readonly JsonNode[];
  readonly rerunOf: number | null;
  /** Jobs: the seed, parameter values, time limit, attempts, and the shell line that reruns it outside gator. */
  readonly seed?: number | null;
  readonly params?: Readonly<Record<string, string>> | null;
  readonly timeout?: number | null;
  readonly attempt?: number;
  readonly flaky?: boolean;
  readonly repro?: string | null;
}

export interface JsonMetric {
  readonly value?: number;
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

export interface JsonReport {
  readonly format: 'gator-run';
  readonly version: 1;
  readonly database: string;
  readonly run: {
    readonly id: string;
    readonly specPath: string;
    readonly host: string;
    readonly startedAt: number;
    readonly endedAt: number | null;
    readonly duration: number;
    readonly status: RunStatus;
    readonly result: string;
    readonly exitCode: number | null;
    readonly rerunOf: string | null;
    readonly seed: number | null;
  };
  readonly tally: Tally;
  /** Metrics rolled up over the whole run, by name (over each job's last value). */
  readonly metrics: Readonly<Record<string, JsonMetric>>;
  readonly root: JsonNode | null;
}

export interface JsonOptions {
  readonly dbPath: string;
  readonly run: RunRow;
  readonly status: RunStatus;
  readonly endTime: number;
}

// Loops rather than Math.max(...values): an array of 100,000 jobs would overflow the stack.
const maxOf = (values: readonly (number | null)[]): number | null =>
  values.reduce<number | null>((max, v) => (v === null ? max : max === null ? v : Math.max(max, v)), null);
const minOf = (values: readonly (number | null)[]): number | null =>
  values.reduce<number | null>((min, v) => (v === null ? min : min === null ? v : Math.min(min, v)), null);

const byName = (metrics: readonly (MetricStats & { readonly value?: number })[]): Record<string, JsonMetric> | undefined => {
  if (metrics.length === 0) return undefined;
  const out: Record<string, JsonMetric> = {};
  for (const { name, ...stats } of metrics) Object.defineProperty(out, name, { value: stats, enumerable: true, writable: true, configurable: true });
  return out;
};

export function exportJson(db: Database.Database, jobs: readonly JobRow[], options: JsonOptions): JsonReport {
  const jobMetrics = readJobMetrics(db);
  const rollup = readMetricRollup(db);
  const rolledUp = new Map<number | null, RolledUpMetric[]>();
  for (const row of rollup) {
    const list = rolledUp.get(row.nodeId);
    if (list === undefined) rolledUp.set(row.nodeId, [row]);
    else list.push(row);
  }
  const stats = (rows: readonly RolledUpMetric[] | undefined): MetricStats[] =>
    (rows ?? []).map(({ name, count, sum, min, max, mean }) => ({ name, count, sum, min, max, mean }));
  const children = new Map<number, JobRow[]>();
  for (const job of jobs) {
    if (job.parentId === null) continue;
    const list = children.get(job.parentId);
    if (list === undefined) children.set(job.parentId, [job]);
    else list.push(job);
  }
  const build = (job: JobRow): JsonNode => {
    const shown = shownJob(job, options.status);
    const failed = shown.result === 'failure' || shown.result === 'cut-off';
    const base = {
      id: job.id,
      path: job.path,
      ident: job.ident,
      kind: job.kind,
      state: shown.state,
      result: shown.result,
      failure: failed ? failureKind(job, shown.result) : null,
      reason: failed || shown.result === 'aborted' ? failureReason(job, shown.result) : null,
      exitCode: job.exitCode,
      signal: job.signal,
      arrayIndex: job.arrayIndex,
      startedAt: job.startedAt,
      endedAt: job.endedAt,
      rerunOf: job.rerunOf,
    };
    if (job.kind === 'job') {
      return {
        ...base,
        firstError: failed ? firstErrorLine(db, job.id, job.attempt) : null,
        duration: job.startedAt === null ? null : jobDuration(job, options.endTime),
        cpuPeak: job.cpuPeak,
        rssPeak: job.rssPeak,
        messages: Object.fromEntries(SEVERITY_NAMES.map((s) => [s.toLowerCase(), job.messages[s]])) as JsonNode['messages'],
        command: job.command,
        seed: job.seed,
        params: job.params,
        timeout: job.timeout,
        attempt: job.attempt,
        flaky: job.flaky,
        repro: reproCommand(job),
        limits: job.limits,
        ...withMetrics(byName(jobMetrics.get(job.id) ?? [])),
      };
    }
    const kids = (children.get(job.id) ?? []).map(build);
    const timed = kids.filter((kid) => kid.startedAt !== null && kid.duration !== null);
    const first = minOf(timed.map((kid) => kid.startedAt));
    const last = maxOf(timed.map((kid) => (kid.startedAt as number) + (kid.duration as number)));
    const messages = Object.fromEntries(
      SEVERITY_NAMES.map((s) => {
        const key = s.toLowerCase() as Lowercase<SeverityName>;
        return [key, kids.reduce((sum, kid) => sum + kid.messages[key], 0)];
      }),
    ) as JsonNode['messages'];
    return {
      ...base,
      // The writer may not time groups; their children's times say when they ran.
      startedAt: job.startedAt ?? first,
      firstError: null,
      duration: first === null || last === null ? null : last - first,
      cpuPeak: maxOf(kids.map((kid) => kid.cpuPeak)),
      rssPeak: maxOf(kids.map((kid) => kid.rssPeak)),
      messages,
      ...withMetrics(byName(stats(rolledUp.get(job.id)))),
      children: kids,
    };
  };
  const root = jobs.find((job) => job.parentId === null);
  const { run } = options;
  return {
    format: 'gator-run',
    version: 1,
    database: options.dbPath,
    run: {
      id: run.id,
      specPath: run.specPath,
      host: run.host,
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      duration: Math.max(0, options.endTime - run.startedAt),
      status: options.status,
      result: options.status === 'done' ? run.result : options.status,
      exitCode: run.exitCode,
      rerunOf: run.rerunOf,
      seed: run.seed,
    },
    tally: tallyJobs(jobs, options.status),
    metrics: byName(stats(rolledUp.get(null))) ?? {},
    root: root === undefined ? null : build(root),
  };
}
