// The only writer of a run database. One instance lives in the storage actor's thread; every
// batch it is handed becomes one transaction, so readers never see half a batch.
import { chmodSync, linkSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { MessageColumns, MetricRow, NodeChange, WriteBatch } from './batch.js';
import { RunDatabaseError, RunExistsError } from './errors.js';
import { APPLICATION_ID, SCHEMA_VERSION, TABLES, VIEWS } from './schema.js';
import { NodeKind, Result, State, type NodeKindName, type RunResultCode, type SeverityLevel } from '../vocabulary/codes.js';
import { unreachable } from '../vocabulary/unreachable.js';

export interface RunInfo {
  readonly id: string;
  readonly specPath: string;
  readonly startedAt: number;
  readonly host: string;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly pid: number;
  readonly options: Readonly<Record<string, unknown>>;
  readonly rerunOf: string | null;
  /** The seed every job's seed derives from. */
  readonly seed?: number;
  /** What local jobs were admitted within: job slots, cores, memory bytes, licences (null: not counted). */
  readonly pools?: { readonly slots: number; readonly cores: number; readonly memoryBytes: number; readonly licenses: Readonly<Record<string, number>> | null };
}

export interface NodeRow {
  readonly id: number;
  readonly parentId: number | null;
  readonly subtreeEnd: number;
  readonly kind: NodeKindName;
  readonly ident: string;
  readonly path: string;
  readonly arrayIndex: number | null;
  readonly arrayIndices: readonly number[];
  /** Jobs only: the display command line, argv, spec env overlay and cwd. */
  readonly command: string | null;
  readonly argv: readonly string[] | null;
  readonly env: Readonly<Record<string, string>> | null;
  readonly cwd: string | null;
  readonly rerunOf: number | null;
  /** Jobs only: GATOR_SEED, and where it appears in argv, env and cwd (JSON, internal). */
  readonly seed?: number | null;
  readonly seedTemplate?: unknown;
  /** Parameter values of the enclosing arrays (jobs), or null. */
  readonly params?: Readonly<Record<string, string>> | null;
  /** Seconds: a job's timeout, or a group's `group_timeout`; null: none. */
  readonly timeout?: number | null;
  /** Jobs only: retries allowed, the retry rules as written (JSON list), whether the cwd is created. */
  readonly retries?: number | null;
  readonly retryOn?: readonly string[] | null;
  readonly mkdir?: boolean | null;
  /** Jobs only: what it holds while it runs. */
  readonly cores?: number | null;
  readonly memory?: number | null;
  readonly licenses?: Readonly<Record<string, number>> | null;
  /** Jobs only: the parsers, patterns, stderr severity and limits its spec gave it (JSON); null: none. */
  readonly rules?: unknown;
  /** Jobs only: the message limits that judge it (null: unlimited). */
  readonly limits?: { readonly warning: number | null; readonly error: number | null; readonly critical: number | null } | null;
  /** Jobs only: the severity of its unparsed stderr lines. */
  readonly stderrSeverity?: SeverityLevel | null;
}

/** A database being built under its temporary name. */
interface Build {
  readonly temp: string;
  readonly writer: RunWriter;
  readonly insert: (rows: Iterator<NodeRow>, limit: number) => boolean;
}

/** Node rows per transaction when the database is made in slices: about a tenth of a second. */
const NODES_PER_SLICE = 20_000;

/** Where `create` builds the database of `path` before linking it into place. */
const buildPath = (path: string, pid: number): string => join(dirname(path), `.${basename(path)}.${pid}.new`);

const removeBuild = (temp: string): void => {
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    try {
      unlinkSync(temp + suffix);
    } catch {
      // Not there.
    }
  }
};

/** Builds left by runs killed while they made their database (their process is gone). */
const removeStaleBuilds = (path: string): void => {
  const pattern = new RegExp(`^\\.${basename(path).replaceAll('.', '\\.')}\\.(\\d+)\\.new$`);
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1] ?? NaN);
    if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
    removeBuild(join(dirname(path), name));
  }
};

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Rows per multi-row INSERT: one statement call per 128 lines is far cheaper than 128 calls. */
const CHUNK = 128;

type Statement = Database.Statement;

// Buffers become plain Uint8Arrays when they cross threads; SQLite binds Buffers as BLOBs.
const asBuffer = (bytes: Uint8Array | null | undefined): Buffer | null =>
  bytes === null || bytes === undefined ? null : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export class RunWriter {
  readonly path: string;
  #db: Database.Database;
  #insertMessages: Statement;
  #insertMessage: Statement;
  #insertSample: Statement;
  #upsertMetric: Statement;
  #insertMetricValues: Statement;
  #insertMetricValue: Statement;
  #launched: Statement;
  #started: Statement;
  #progress: Statement;
  #countMessages: Statement;
  #ended: Statement;
  #aborted: Statement;
  #launchedGranted: Statement;
  #retried: Statement;
  #attemptStarted: Statement;
  #heartbeat: Statement;
  #finish: Statement;
  #settleInFlight: Statement;
  #settlePending: Statement;
  #writeBatch: (batch: WriteBatch) => void;
  #clusterJob: Statement;
  #ingested: Statement;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.#db = db;
    const row = '(?, ?, ?, ?, ?, ?, ?)';
    this.#insertMessages = db.prepare(`INSERT INTO message (job_id, ts, severity, stream, text, raw, attempt) VALUES ${new Array(CHUNK).fill(row).join(', ')}`);
    this.#insertMessage = db.prepare(`INSERT INTO message (job_id, ts, severity, stream, text, raw, attempt) VALUES ${row}`);
    this.#insertSample = db.prepare('INSERT INTO sample (job_id, ts, nproc, cpu_percent, rss_bytes) VALUES (?, ?, ?, ?, ?)');
    // Last value, and count/sum/min/max of every value, per job and name.
    this.#upsertMetric = db.prepare(
      `INSERT INTO metric (job_id, name, value, count, sum, min, max, ts) VALUES (?, ?, ?, 1, ?, ?, ?, ?)
       ON CONFLICT (job_id, name) DO UPDATE SET value = excluded.value, count = metric.count + 1, sum = metric.sum + excluded.value,
         min = min(metric.min, excluded.value), max = max(metric.max, excluded.value), ts = excluded.ts`,
    );
    const valueRow = '(?, ?, ?, ?, ?)';
    this.#insertMetricValues = db.prepare(`INSERT INTO metric_value (job_id, ts, name, value, source) VALUES ${new Array(CHUNK).fill(valueRow).join(', ')}`);
    this.#insertMetricValue = db.prepare(`INSERT INTO metric_value (job_id, ts, name, value, source) VALUES ${valueRow}`);
    this.#launched = db.prepare(`UPDATE node SET state = ${State.launched} WHERE id = ? AND state < ${State.launched}`);
    this.#launchedGranted = db.prepare(`UPDATE node SET state = max(state, ${State.launched}), launched_at = ?, queued_at = ?, waited_for = ? WHERE id = ?`);
    this.#retried = db.prepare(
      `INSERT INTO attempt (job_id, attempt, started_at, ended_at, result, failure, exit_code, signal, pid, msg_warning, msg_error, msg_critical)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#attemptStarted = db.prepare(
      'UPDATE node SET attempt = ?, attempt_started_at = ?, pid = ?, msg_debug = 0, msg_info = 0, msg_warning = 0, msg_error = 0, msg_critical = 0 WHERE id = ?',
    );
    this.#started = db.prepare(`UPDATE node SET state = ${State.running}, started_at = coalesce(started_at, ?), pid = ? WHERE id = ?`);
    // Message counts are kept by #countStored as lines are stored; progress brings the peaks.
    this.#progress = db.prepare('UPDATE node SET cpu_peak = ?, rss_peak = ? WHERE id = ?');
    this.#countMessages = db.prepare(
      `UPDATE node SET msg_debug = msg_debug + ?, msg_info = msg_info + ?, msg_warning = msg_warning + ?,
         msg_error = msg_error + ?, msg_critical = msg_critical + ? WHERE id = ? AND attempt = ?`,
    );
    this.#ended = db.prepare(
      `UPDATE node SET state = ${State.complete}, ended_at = ?, result = ?, failure = ?, failure_detail = ?, exit_code = ?, signal = ?,
         msg_debug = coalesce(?, msg_debug), msg_info = coalesce(?, msg_info), msg_warning = coalesce(?, msg_warning),
         msg_error = coalesce(?, msg_error), msg_critical = coalesce(?, msg_critical),
         cpu_peak = coalesce(?, cpu_peak), rss_peak = coalesce(?, rss_peak), flaky = ?, timeout = coalesce(?, timeout)
       WHERE id = ?`,
    );
    this.#aborted = db.prepare(
      `UPDATE node SET state = ${State.complete}, result = ${Result.aborted}, ended_at = ? WHERE id BETWEEN ? AND ? AND state <> ${State.complete}`,
    );
    this.#heartbeat = db.prepare('UPDATE run_info SET heartbeat_at = ?');
    this.#finish = db.prepare('UPDATE run_info SET ended_at = ?, result = ?, exit_code = ?, heartbeat_at = ?');
    this.#settleInFlight = db.prepare(
      `UPDATE node SET state = ${State.complete}, result = ?, failure = ?, ended_at = ? WHERE state IN (${State.launched}, ${State.running})`,
    );
    this.#settlePending = db.prepare(`UPDATE node SET state = ${State.complete}, result = ?, ended_at = ? WHERE state = ${State.pending}`);
    this.#writeBatch = db.transaction((batch: WriteBatch) => this.#apply(batch));
    this.#clusterJob = db.prepare(
      `INSERT INTO cluster_job (job_id, cluster_id, host) VALUES (?, ?, ?)
       ON CONFLICT (job_id) DO UPDATE SET cluster_id = excluded.cluster_id, host = coalesce(excluded.host, host)`,
    );
    this.#ingested = db.prepare(
      'INSERT INTO cluster_job (job_id, ingested) VALUES (?, ?) ON CONFLICT (job_id) DO UPDATE SET ingested = max(ingested, excluded.ingested)',
    );
  }

  /** Opens a database made by `create`, in the thread that will write it. */
  static open(path: string): RunWriter {
    try {
      const db = new Database(path, { fileMustExist: true });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      return new RunWriter(path, db);
    } catch (error) {
      throw new RunDatabaseError(path, 'cannot open the run database', { cause: error });
    }
  }

  /**
   * Creates the database file with its schema, the run row and one row per planned node, with
   * file mode `mode` (default 0600: it holds each job's environment and output). It is built
   * under a temporary name and linked into place only when complete, so a run killed while
   * the database is being made leaves no half-made `run.sqlite` behind to block its directory,
   * and of two runs started at once with the same path exactly one gets it (RunExistsError).
   */
  static create(path: string, info: RunInfo, nodes: Iterable<NodeRow>, mode = 0o600): RunWriter {
    const build = RunWriter.#begin(path, info, mode);
    const rows = nodes[Symbol.iterator]();
    RunWriter.#guard(path, build, () => {
      while (!build.insert(rows, Number.POSITIVE_INFINITY));
    });
    return RunWriter.#publish(path, build);
  }

  /**
   * `create` in transactions of NODES_PER_SLICE rows, giving the event loop a turn between
   * them, so that Ctrl+C is handled within a fraction of a second however large the plan (a
   * 250,000-node plan takes seconds). Resolves to null, the build removed, once `interrupted`
   * says so.
   */
  static async createInSlices(path: string, info: RunInfo, nodes: Iterable<NodeRow>, mode: number, interrupted: () => boolean): Promise<RunWriter | null> {
    const build = RunWriter.#begin(path, info, mode);
    const rows = nodes[Symbol.iterator]();
    for (let done = false; !done;) {
      done = RunWriter.#guard(path, build, () => build.insert(rows, NODES_PER_SLICE));
      if (done) break;
      await new Promise((resolve) => setImmediate(resolve));
      if (interrupted()) {
        build.writer.#db.close();
        removeBuild(build.temp);
        return null;
      }
    }
    return RunWriter.#publish(path, build);
  }

  /** The schema and the run row, in a new file under the temporary name. */
  static #begin(path: string, info: RunInfo, mode: number): Build {
    removeStaleBuilds(path);
    const temp = buildPath(path, process.pid);
    let db: Database.Database;
    try {
      // SQLite gives the -wal and -shm files the mode of the database file.
      writeFileSync(temp, '', { flag: 'wx', mode });
      chmodSync(temp, mode);
      db = new Database(temp);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
      db.exec(TABLES);
      db.exec(VIEWS);
    } catch (error) {
      removeBuild(temp);
      throw new RunDatabaseError(path, 'cannot create the run database', { cause: error });
    }
    const writer = new RunWriter(temp, db);
    const build: Build = { temp, writer, insert: writer.#nodeInserter() };
    RunWriter.#guard(path, build, () => writer.#insertRun(info));
    return build;
  }

  /** Runs a step of the build; a failure removes it and says the plan could not be recorded. */
  static #guard<T>(path: string, build: Build, step: () => T): T {
    try {
      return step();
    } catch (error) {
      build.writer.#db.close();
      removeBuild(build.temp);
      throw new RunDatabaseError(path, 'cannot record the run plan', { cause: error });
    }
  }

  /** Links the finished build into place (atomically, never over another run) and opens it there. */
  static #publish(path: string, build: Build): RunWriter {
    build.writer.close();
    try {
      linkSync(build.temp, path);
    } catch (error) {
      removeBuild(build.temp);
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new RunExistsError(path);
      throw new RunDatabaseError(path, 'cannot create the run database', { cause: error });
    }
    removeBuild(build.temp);
    return RunWriter.open(path);
  }

  #insertRun(info: RunInfo): void {
    this.#db
      .prepare(
        `INSERT INTO run_info (id, spec_path, started_at, host, argv, cwd, pid, options, rerun_of, heartbeat_at, seed, pools)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        info.id,
        info.specPath,
        info.startedAt,
        info.host,
        JSON.stringify(info.argv),
        info.cwd,
        info.pid,
        JSON.stringify(info.options),
        info.rerunOf,
        info.startedAt,
        info.seed ?? null,
        info.pools === undefined ? null : JSON.stringify(info.pools),
      );
  }

  /** Inserts up to `limit` rows of `rows` in one transaction; true once `rows` is exhausted. */
  #nodeInserter(): (rows: Iterator<NodeRow>, limit: number) => boolean {
    const insert = this.#db.prepare(
      `INSERT INTO node (id, parent_id, subtree_end, kind, ident, path, array_index, array_indices, command, argv, env, cwd, rerun_of,
                         seed, seed_template, params, timeout, retries, retry_on, mkdir, cores, memory, licenses,
                         rules, limit_warning, limit_error, limit_critical, stderr_severity)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // Many jobs share one params, retry_on or licences object: serialise each once.
    const json = new Map<unknown, string | null>();
    const toJson = (value: unknown): string | null => {
      if (value === null || value === undefined) return null;
      let text = json.get(value);
      if (text === undefined) {
        text = JSON.stringify(value);
        if (typeof value === 'object') json.set(value, text);
      }
      return text;
    };
    return this.#db.transaction((rows: Iterator<NodeRow>, limit: number): boolean => {
      for (let count = 0; count < limit; count++) {
        const next = rows.next();
        if (next.done === true) return true;
        const node = next.value;
        insert.run(
          node.id,
          node.parentId,
          node.subtreeEnd,
          NodeKind[node.kind],
          node.ident,
          node.path,
          node.arrayIndex,
          node.arrayIndices.length === 0 ? null : node.arrayIndices.join(','),
          node.command,
          node.argv === null ? null : JSON.stringify(node.argv),
          node.env === null ? null : JSON.stringify(node.env),
          node.cwd,
          node.rerunOf,
          node.seed ?? null,
          toJson(node.seedTemplate),
          toJson(node.params),
          node.timeout ?? null,
          node.retries ?? null,
          toJson(node.retryOn),
          node.mkdir === undefined || node.mkdir === null ? null : node.mkdir ? 1 : 0,
          node.cores ?? null,
          node.memory ?? null,
          node.licenses === null || node.licenses === undefined || Object.keys(node.licenses).length === 0 ? null : toJson(node.licenses),
          toJson(node.rules),
          node.limits?.warning ?? null,
          node.limits?.error ?? null,
          node.limits?.critical ?? null,
          node.stderrSeverity ?? null,
        );
      }
      return false;
    });
  }

  /** Applies a batch in one transaction. */
  write(batch: WriteBatch): void {
    try {
      this.#writeBatch(batch);
    } catch (error) {
      throw new RunDatabaseError(this.path, 'cannot write to the run database', { cause: error });
    }
  }

  /** A run taken over by a new process (`gator attach`): it is live again, under this pid. */
  resume(pid: number, ts: number): void {
    this.#db.prepare('UPDATE run_info SET pid = ?, heartbeat_at = ?, ended_at = NULL, exit_code = NULL, result = 0').run(pid, ts);
  }

  heartbeat(ts: number): void {
    this.#heartbeat.run(ts);
  }

  finish(end: { readonly endedAt: number; readonly result: RunResultCode; readonly exitCode: number }): void {
    this.#db.transaction(() => {
      // A finished run has no unfinished nodes: what a dead thread left in flight failed with
      // it, and what never started was aborted. Nothing matches after a run that went well.
      this.#settleInFlight.run(Result.failure, 'internal', end.endedAt);
      this.#settlePending.run(Result.aborted, end.endedAt);
      this.#finish.run(end.endedAt, end.result, end.exitCode, end.endedAt);
    })();
  }

  close(): void {
    if (!this.#db.open) return;
    // Fold the WAL back so the file is self-contained once the run is over.
    this.#db.pragma('wal_checkpoint(TRUNCATE)');
    this.#db.close();
  }

  #apply(batch: WriteBatch): void {
    if (batch.messages !== undefined) this.#applyMessages(batch.messages);
    for (const sample of batch.samples ?? []) {
      this.#insertSample.run(sample.jobId, sample.ts, sample.nproc, sample.cpuPercent, sample.rssBytes);
    }
    if (batch.metrics !== undefined) this.#applyMetrics(batch.metrics);
    for (const change of batch.changes ?? []) this.#applyChange(change);
    // After the changes: a new attempt resets its job's counts first.
    if (batch.messages !== undefined) this.#countStored(batch.messages, batch.changes);
  }

  #applyMessages(columns: MessageColumns): void {
    const count = columns.jobId.length;
    const params: unknown[] = new Array(CHUNK * 7);
    const attempt = columns.attempt;
    let i = 0;
    for (; i + CHUNK <= count; i += CHUNK) {
      for (let j = 0; j < CHUNK; j++) {
        const at = j * 7;
        const row = i + j;
        params[at] = columns.jobId[row];
        params[at + 1] = columns.ts[row];
        params[at + 2] = columns.severity[row];
        params[at + 3] = columns.stream[row];
        params[at + 4] = columns.text[row];
        params[at + 5] = asBuffer(columns.raw[row]);
        params[at + 6] = attempt[row] ?? null;
      }
      this.#insertMessages.run(params);
    }
    for (; i < count; i++) {
      this.#insertMessage.run(
        columns.jobId[i],
        columns.ts[i],
        columns.severity[i],
        columns.stream[i],
        columns.text[i],
        asBuffer(columns.raw[i]),
        attempt[i] ?? null,
      );
    }
  }

  /**
   * Adds the batch's lines to their jobs' counts in the same transaction, so that the counts of
   * a run cut off by a kill match its stored messages. Counts are the current attempt's: a line
   * of an earlier attempt is not added. A job whose end is in the batch has its final counts.
   */
  #countStored(columns: MessageColumns, changes: readonly NodeChange[] | undefined): void {
    /** By job id, then attempt: debug, info, warning, error, critical. */
    const counts = new Map<number, Map<number, [number, number, number, number, number]>>();
    const { jobId, severity, attempt } = columns;
    for (let i = 0; i < jobId.length; i++) {
      const id = jobId[i]!;
      const at = attempt?.[i] ?? 1;
      let byAttempt = counts.get(id);
      if (byAttempt === undefined) counts.set(id, (byAttempt = new Map<number, [number, number, number, number, number]>()));
      let row = byAttempt.get(at);
      if (row === undefined) byAttempt.set(at, (row = [0, 0, 0, 0, 0]));
      row[severity[i]! / 10 - 1]!++;
    }
    for (const change of changes ?? []) if (change.type === 'ended' && change.counts !== null) counts.delete(change.id);
    for (const [id, byAttempt] of counts) for (const [at, row] of byAttempt) this.#countMessages.run(...row, id, at);
  }

  #applyMetrics(rows: readonly MetricRow[]): void {
    const params: unknown[] = new Array(CHUNK * 5);
    let i = 0;
    for (; i + CHUNK <= rows.length; i += CHUNK) {
      for (let j = 0; j < CHUNK; j++) {
        const row = rows[i + j]!;
        const at = j * 5;
        params[at] = row.jobId;
        params[at + 1] = row.ts;
        params[at + 2] = row.name;
        params[at + 3] = row.value;
        params[at + 4] = row.source;
      }
      this.#insertMetricValues.run(params);
    }
    for (; i < rows.length; i++) {
      const row = rows[i]!;
      this.#insertMetricValue.run(row.jobId, row.ts, row.name, row.value, row.source);
    }
    for (const row of rows) this.#upsertMetric.run(row.jobId, row.name, row.value, row.value, row.value, row.value, row.ts);
  }

  #applyChange(change: NodeChange): void {
    switch (change.type) {
      case 'launched':
        if (change.queuedAt === undefined) this.#launched.run(change.id);
        else this.#launchedGranted.run(change.ts, change.queuedAt, change.waitedFor ?? null, change.id);
        return;
      case 'retried': {
        const [, , warning, error, critical] = change.counts;
        this.#retried.run(
          change.id,
          change.attempt,
          change.startedAt,
          change.endedAt,
          change.result,
          change.failure,
          change.exitCode,
          change.signal,
          change.pid,
          warning,
          error,
          critical,
        );
        return;
      }
      case 'attempt-started':
        this.#attemptStarted.run(change.attempt, change.ts, change.pid, change.id);
        return;
      case 'started':
        this.#started.run(change.ts, change.pid, change.id);
        return;
      case 'progress':
        this.#progress.run(change.cpuPeak, change.rssPeak, change.id);
        return;
      case 'ended': {
        const counts = change.counts ?? [null, null, null, null, null];
        this.#ended.run(
          change.ts,
          change.result,
          change.failure,
          change.detail ?? null,
          change.exitCode,
          change.signal,
          ...counts,
          change.cpuPeak,
          change.rssPeak,
          change.flaky === true ? 1 : 0,
          change.timeout ?? null,
          change.id,
        );
        return;
      }
      case 'aborted':
        this.#aborted.run(change.ts, change.from, change.to);
        return;
      case 'cluster':
        this.#clusterJob.run(change.id, change.clusterId, change.host);
        return;
      case 'ingested':
        this.#ingested.run(change.id, change.offset);
        return;
      default:
        unreachable(change, 'node change');
    }
  }
}
