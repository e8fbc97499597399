// What each screen asks for, built from the storage readers: the light reads here on the event
// loop (a few rows each), the heavy ones on the read pool.
import type {
  ChildrenPage,
  Failures,
  HistoryData,
  JobDetail,
  LinesPage,
  LogLine,
  MetricRollup,
  QueryResult,
  RunDetail,
  RunSummary,
  Series,
  TimelineData,
  TreeNode,
  UnreadableRun,
  ViewDoc,
} from '../protocol.js';
import { failureReason, jobDuration, readJob } from '../../storage/readers/jobs.js';
import { lowerBound, readLinesById, type LineFilter } from '../../storage/readers/job-lines.js';
import { runEndTime, shownJob } from '../../storage/readers/liveness.js';
import { lastMessageId } from '../../storage/readers/message-sql.js';
import { hasMetrics, readJobMetrics, readMetricRollup } from '../../storage/readers/metric-rollup.js';
import { childrenOf, rootsOf } from '../../storage/readers/node-states.js';
import { readNodeSummaries } from '../../storage/readers/node-rows.js';
import { hasSamples, readJobSamples } from '../../storage/readers/resource-series.js';
import { failureGroupHeadline, failureGroupsSummary, replayCommand } from '../../vocabulary/wording.js';
import { describeViews } from '../../storage/readers/view-docs.js';
import type { Catalog } from './catalog.js';
import type { JobLogs } from './job-logs.js';
import type { ReadPool } from './read-pool.js';
import type { WatchedRun } from './watched-run.js';

/** The most a page of lines or tree rows can ask for. */
export const MAX_PAGE = 1000;
/** Rows of a query shown in the table. */
export const QUERY_ROWS = 1000;
/** Rows of a query written to a CSV download. */
export const CSV_ROWS = 1_000_000;
/** How long a user's SQL may run. */
export const QUERY_TIMEOUT_MS = 60_000;

/** A request for something that does not exist: the route answers 404 with the message. */
export class NotFound extends Error {
  override readonly name = 'NotFound';
}

export class Views {
  constructor(
    readonly catalog: Catalog,
    readonly logs: JobLogs,
    readonly pool: ReadPool,
  ) {}

  run(name: string): WatchedRun {
    const run = this.catalog.get(name);
    if (run !== undefined) return run;
    const unreadable = this.catalog.unreadable().find((entry) => entry.name === name);
    throw new NotFound(unreadable === undefined ? `no run named ${JSON.stringify(name)} here` : unreadable.error);
  }

  /** Runs under DIR that cannot be read, by name, with the readers' sentence for each. */
  unreadable(): UnreadableRun[] {
    return this.catalog
      .unreadable()
      .map(({ name, error }) => ({ name, reason: error }))
      .sort((a, b) => (a.name < b.name ? 1 : -1));
  }

  summaries(): RunSummary[] {
    return this.catalog
      .runs()
      .map((run) => run.summary(this.catalog.isLatest(run.name)))
      .sort((a, b) => b.startedAt - a.startedAt || (a.name < b.name ? 1 : -1));
  }

  summary(run: WatchedRun): RunSummary {
    return run.summary(this.catalog.isLatest(run.name));
  }

  detail(name: string): RunDetail {
    const run = this.run(name);
    return {
      ...this.summary(run),
      argv: run.row.argv,
      pid: run.row.pid,
      heartbeatAt: run.row.heartbeatAt,
      database: run.dbPath,
      hasSamples: hasSamples(run.db),
      hasMetrics: hasMetrics(run.db),
    };
  }

  /** Tree rows for nodes at these positions, with their child counts and subtree counts. */
  treeNodes(run: WatchedRun, positions: readonly number[]): TreeNode[] {
    const { shape } = run;
    const ids = positions.map((position) => shape.ids[position] as number);
    return readNodeSummaries(run.db, ids, run.status).map((node) => {
      const position = shape.positionOf(node.id) as number;
      const isJob = shape.kind[position] === 'job';
      return {
        ...node,
        childCount: childrenOf(shape, position).length,
        counts: isJob ? null : run.counts.countsAt(position),
      };
    });
  }

  children(name: string, parent: number | null, offset: number, limit: number): ChildrenPage {
    const run = this.run(name);
    const { shape } = run;
    let positions: ArrayLike<number>;
    if (parent === null) positions = rootsOf(shape);
    else {
      const position = shape.positionOf(parent);
      if (position === undefined) throw new NotFound(`run ${name} has no node ${parent}`);
      positions = childrenOf(shape, position);
    }
    const window = Array.from(positions).slice(offset, offset + Math.min(limit, MAX_PAGE));
    return { parent, offset, total: positions.length, nodes: this.treeNodes(run, window) };
  }

  /** Changed nodes and every group above them, for a live update of the tree. */
  changedNodes(run: WatchedRun, positions: readonly number[]): TreeNode[] {
    const all = new Set<number>();
    for (const position of positions) {
      for (let p = position; p >= 0 && !all.has(p); p = run.shape.parent[p] as number) all.add(p);
    }
    return this.treeNodes(
      run,
      [...all].sort((a, b) => a - b),
    );
  }

  job(name: string, id: number): JobDetail {
    const run = this.run(name);
    const job = readJob(run.db, id);
    if (job === null) throw new NotFound(`run ${name} has no job ${id}`);
    const shown = shownJob(job, run.status);
    const ancestorIds: number[] = [];
    const position = run.shape.positionOf(id);
    if (position !== undefined) {
      for (let p = run.shape.parent[position] as number; p >= 0; p = run.shape.parent[p] as number) ancestorIds.unshift(run.shape.ids[p] as number);
    }
    const ancestors = readNodeSummaries(run.db, ancestorIds, run.status).map((node) => ({ id: node.id, ident: node.ident }));
    const until = runEndTime(run.row, run.status);
    const notPassed = shown.result === 'failure' || shown.result === 'aborted' || shown.result === 'cut-off';
    return {
      run: name,
      id: job.id,
      parentId: job.parentId,
      path: job.path,
      ident: job.ident,
      kind: job.kind,
      state: shown.state,
      result: shown.result,
      reason: notPassed ? failureReason(job, shown.result) : null,
      failure: job.failure,
      exitCode: job.exitCode,
      signal: job.signal,
      pid: job.pid,
      startedAt: job.startedAt,
      endedAt: job.endedAt,
      duration: job.startedAt === null ? null : jobDuration(job, until),
      command: job.command,
      argv: job.argv,
      env: job.env,
      cwd: job.cwd,
      arrayIndices: job.arrayIndices,
      messages: job.messages,
      cpuPeak: job.cpuPeak,
      rssPeak: job.rssPeak,
      metrics: readJobMetrics(run.db, id),
      ancestors,
      cursor: lastMessageId(run.db),
      runStatus: run.status,
      replay: replayCommand(run.dbPath, job.path),
    };
  }

  /**
   * A window of a job's lines that pass the filter: from `offset`, or the last ones (`tail`), or
   * the window around line number `line`.
   */
  async lines(
    name: string,
    id: number,
    filter: LineFilter,
    window: { offset?: number; limit: number; tail?: boolean; line?: number },
  ): Promise<LinesPage & { cursor: number }> {
    const run = this.run(name);
    if (readJob(run.db, id) === null) throw new NotFound(`run ${name} has no job ${id}`);
    const log = await this.logs.open(run.name, run.dbPath, run.db, id, () => lastMessageId(run.db));
    const ids = await this.logs.filtered(run.name, run.dbPath, log, id, filter);
    const limit = Math.max(1, Math.min(window.limit, MAX_PAGE));
    const total = ids.length;
    let offset = window.offset ?? 0;
    if (window.tail === true) offset = total - limit;
    if (window.line !== undefined) {
      const target = log.all.at(window.line - 1);
      const at = target === undefined ? total : lowerBound(ids.view(), target);
      offset = at - Math.floor(limit / 2);
    }
    offset = Math.max(0, Math.min(offset, Math.max(0, total - 1)));
    const slice = ids.view().subarray(offset, Math.min(total, offset + limit));
    const lines: LogLine[] = readLinesById(run.db, slice).map((line) => ({ ...line, n: log.lineNumber(line.id) }));
    return { total, all: log.all.length, offset, lines, cursor: log.lastId };
  }

  /** Lines by id, for a follower. */
  lineRows(run: WatchedRun, ids: ArrayLike<number>): Omit<LogLine, 'n'>[] {
    return readLinesById(run.db, ids);
  }

  samples(name: string, id: number, afterTs?: number): Series {
    return readJobSamples(this.run(name).db, id, afterTs);
  }

  metrics(name: string): MetricRollup[] {
    return readMetricRollup(this.run(name).db);
  }

  async failures(name: string): Promise<Failures> {
    const run = this.run(name);
    const { report, ids } = await this.pool.run({ kind: 'failures', dbPath: run.dbPath });
    return {
      jobs: report.failures.jobs,
      summary: failureGroupsSummary(report.failures.jobs, report.failures.buckets.length),
      groups: report.failures.buckets.map((bucket) => ({
        signature: bucket.signature,
        headline: failureGroupHeadline(bucket.count, bucket.example.firstError === null ? null : bucket.signature, bucket.example.reason),
        count: bucket.count,
        jobs: bucket.paths.map((path) => ({ path, id: ids[path] ?? null })),
        example: {
          path: bucket.example.path,
          jobId: bucket.example.jobId,
          reason: bucket.example.reason,
          firstError: bucket.example.firstError,
          lastLines: bucket.example.lastLines.map((line) => ({ ts: line.ts, severity: line.severity, text: line.text })),
        },
        replay: bucket.example.replay,
        repro: bucket.example.repro,
      })),
    };
  }

  async timeline(name: string): Promise<TimelineData> {
    const run = this.run(name);
    const timeline = await this.pool.run({ kind: 'timeline', dbPath: run.dbPath, status: run.status });
    return {
      startedAt: run.row.startedAt,
      now: runEndTime(run.row, run.status),
      ids: timeline.ids,
      start: timeline.startedAt,
      end: timeline.endedAt,
      category: timeline.category,
    };
  }

  async resources(name: string): Promise<Series & { bucket: number }> {
    const run = this.run(name);
    return this.pool.run({ kind: 'resources', dbPath: run.dbPath });
  }

  async query(name: string, sql: string): Promise<QueryResult> {
    const run = this.run(name);
    const started = performance.now();
    const result = await this.pool.run({ kind: 'query', dbPath: run.dbPath, sql, maxRows: QUERY_ROWS }, { timeoutMs: QUERY_TIMEOUT_MS });
    return { ...result, elapsedMs: Math.round(performance.now() - started) };
  }

  async csv(name: string, sql: string): Promise<{ csv: string; rows: number; truncated: boolean }> {
    const run = this.run(name);
    return this.pool.run({ kind: 'csv', dbPath: run.dbPath, sql, maxRows: CSV_ROWS }, { timeoutMs: QUERY_TIMEOUT_MS });
  }

  schema(name: string): ViewDoc[] {
    return describeViews(this.run(name).db).map((view) => ({ name: view.name, about: view.about, columns: view.columns }));
  }

  /** History of the run's spec across every run under DIR with the same spec. */
  async history(name: string, show: 'all' | 'failing' | 'flaky'): Promise<HistoryData> {
    const spec = this.run(name).row.specPath;
    const sources = this.catalog
      .runs()
      .filter((run) => run.row.specPath === spec)
      .map((run) => ({ name: run.name, dbPath: run.dbPath }));
    const history = await this.pool.run({ kind: 'history', sources });
    const rows = history.rows.filter((row) => show === 'all' || (show === 'flaky' ? row.flaky : row.failures > 0));
    return {
      spec,
      runs: history.runs,
      total: history.rows.length,
      flaky: history.rows.filter((row) => row.flaky).length,
      rows,
    };
  }
}
