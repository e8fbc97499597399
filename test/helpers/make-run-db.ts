// Builds realistic run databases through the real storage writer, so reader and CLI tests do
// not need the runner, and a change to the writer or the schema shows here too: a finished run, a run whose runner was SIGKILLed (cut off), and a live run
// written by a child process that keeps appending while the test reads.
//
// Run as a script it is that child: `node --import tsx test/helpers/make-run-db.ts live DB`
// creates the standard run, prints `ready` and then obeys lines on stdin:
//   `message TEXT`      append an INFO line to the running job top.sims.sim_4
//   `finish CODE`       complete the run with that exit code, close the db and exit
// It appends a line every 100 ms and refreshes the heartbeat every 500 ms meanwhile.
import Database from 'better-sqlite3';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import { emptyMessageColumns, type NodeChange } from '../../storage/batch.js';
import { RunWriter, type NodeRow } from '../../storage/writer.js';
import {
  Result,
  RunResult,
  Severity,
  Stream,
  type FailureKind,
  type NodeKindName,
  type ResultName,
  type SeverityName,
  type StateName,
  type StreamName,
} from '../../vocabulary/codes.js';

export interface RunInfoFixture {
  readonly id: string;
  readonly specPath: string;
  readonly startedAt: number;
  readonly host?: string;
  readonly pid?: number;
  readonly argv?: readonly string[];
  readonly rerunOf?: string | null;
  readonly heartbeatAt?: number | null;
}

export interface NodeFixture {
  readonly state?: StateName;
  readonly result?: ResultName;
  readonly failure?: FailureKind | null;
  readonly exitCode?: number | null;
  readonly signal?: string | null;
  readonly pid?: number | null;
  readonly startedAt?: number | null;
  readonly endedAt?: number | null;
  readonly arrayIndex?: number | null;
  readonly arrayIndices?: readonly number[] | null;
  readonly argv?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly cpuPeak?: number | null;
  readonly rssPeak?: number | null;
  readonly rerunOf?: number | null;
}

export interface MessageFixture {
  readonly ts: number;
  readonly severity?: SeverityName;
  readonly stream?: StreamName;
  readonly text: string;
}

const SEVERITIES: readonly SeverityName[] = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];

type Counts = [number, number, number, number, number];

interface BuiltNode {
  readonly row: { -readonly [K in keyof NodeRow]: NodeRow[K] };
  readonly counts: Counts;
  cpuPeak: number | null;
  rssPeak: number | null;
}

/**
 * Builds a run database through the real storage writer: the nodes (pre-order ids, as the
 * planner makes them) become `RunWriter.create`'s plan, and lines, state changes, samples,
 * metrics, heartbeats and the run's end become `RunWriter.write`/`heartbeat`/`finish` calls in
 * the order they were made. Nothing is written until `close()`, since the writer creates every
 * node at once.
 */
export class RunDbBuilder {
  readonly #run: RunInfoFixture;
  readonly #nodes: BuiltNode[] = [];
  readonly #ops: ((writer: RunWriter) => void)[] = [];
  /** Set once the database exists: later steps go straight to it. */
  #writer: RunWriter | null = null;
  #raw: Database.Database | null = null;

  constructor(
    readonly file: string,
    run: RunInfoFixture,
  ) {
    this.#run = run;
    const heartbeatAt = run.heartbeatAt === undefined ? run.startedAt : run.heartbeatAt;
    if (heartbeatAt !== null && heartbeatAt !== run.startedAt) this.#ops.push((writer) => writer.heartbeat(heartbeatAt));
  }

  group(parent: number | null, ident: string, fields: NodeFixture = {}): number {
    return this.#node(parent, 'group', ident, fields);
  }

  array(parent: number | null, ident: string, fields: NodeFixture = {}): number {
    return this.#node(parent, 'array', ident, fields);
  }

  job(parent: number | null, ident: string, fields: NodeFixture = {}): number {
    return this.#node(parent, 'job', ident, fields);
  }

  path(id: number): string {
    const node = this.#nodes[id];
    if (node === undefined) throw new Error(`no node ${id}`);
    return node.row.path;
  }

  /** Moves a node to the state and result in `fields`, through the state changes the runner sends. */
  update(id: number, fields: NodeFixture): void {
    const node = this.#nodes[id];
    if (node === undefined) throw new Error(`no node ${id}`);
    if (fields.cpuPeak !== undefined) node.cpuPeak = fields.cpuPeak;
    if (fields.rssPeak !== undefined) node.rssPeak = fields.rssPeak;
    const changes = stateChanges(id, fields, node, this.#run.startedAt);
    if (changes.length > 0) this.#step((writer) => writer.write({ changes }));
  }

  /** Appends a job's lines and keeps its counters, in one batch. */
  messages(jobId: number, messages: readonly MessageFixture[]): void {
    this.interleaved(messages.map((message) => ({ ...message, jobId })));
  }

  /** Appends lines of several jobs in exactly the given order (ids follow it). */
  interleaved(messages: readonly (MessageFixture & { readonly jobId: number })[]): void {
    const columns = emptyMessageColumns();
    const touched = new Set<number>();
    for (const message of messages) {
      const severity = message.severity ?? 'INFO';
      const stream = message.stream ?? (severity === 'ERROR' ? 'stderr' : 'stdout');
      columns.jobId.push(message.jobId);
      columns.ts.push(message.ts);
      columns.severity.push(Severity[severity]);
      columns.stream.push(Stream[stream]);
      columns.text.push(message.text);
      columns.raw.push(null);
      const node = this.#nodes[message.jobId];
      if (node === undefined) throw new Error(`no node ${message.jobId}`);
      node.counts[SEVERITIES.indexOf(severity)]! += 1;
      touched.add(message.jobId);
    }
    const progress: NodeChange[] = [...touched].map((id) => {
      const node = this.#nodes[id]!;
      return { type: 'progress', id, counts: [...node.counts] as Counts, cpuPeak: node.cpuPeak, rssPeak: node.rssPeak };
    });
    this.#step((writer) => writer.write({ messages: columns, changes: progress }));
  }

  sample(jobId: number, ts: number, cpuPercent: number, rssBytes: number): void {
    this.#step((writer) => writer.write({ samples: [{ jobId, ts, nproc: 1, cpuPercent, rssBytes }] }));
  }

  metric(jobId: number, name: string, value: number): void {
    this.#step((writer) => writer.write({ metrics: [{ jobId, ts: 0, name, value, source: Stream.api }] }));
  }

  heartbeat(ts: number): void {
    this.#step((writer) => writer.heartbeat(ts));
  }

  finish(endedAt: number, result: 'success' | 'failure' | 'interrupted', exitCode: number): void {
    this.#step((writer) => writer.finish({ endedAt, result: RunResult[result], exitCode }));
  }

  /**
   * A plain connection to the database, for a test or benchmark that writes what the writer
   * cannot (millions of generated lines in one statement). Creates the database first.
   */
  get db(): Database.Database {
    this.#materialize();
    this.#raw ??= new Database(this.file);
    return this.#raw;
  }

  /** Creates the database (if nothing did yet), writes what is pending and closes it. */
  close(): void {
    this.#materialize();
    if (this.#raw?.open === true) this.#raw.close();
    this.#writer?.close();
  }

  #step(op: (writer: RunWriter) => void): void {
    if (this.#writer === null) this.#ops.push(op);
    else op(this.#writer);
  }

  /** Creates the database with the writer and replays everything in the order it was asked for. */
  #materialize(): void {
    if (this.#writer !== null) return;
    const run = this.#run;
    const writer = RunWriter.create(
      this.file,
      {
        id: run.id,
        specPath: run.specPath,
        startedAt: run.startedAt,
        host: run.host ?? hostname(),
        argv: run.argv ?? ['gator', 'run', run.specPath],
        cwd: '/work',
        pid: run.pid ?? process.pid,
        options: {},
        rerunOf: run.rerunOf ?? null,
      },
      this.#nodes.map((node) => node.row),
    );
    this.#writer = writer;
    for (const op of this.#ops.splice(0)) op(writer);
  }

  #node(parent: number | null, kind: NodeKindName, ident: string, fields: NodeFixture): number {
    if (this.#writer !== null) throw new Error('RunDbBuilder: add every node before writing to the database');
    const id = this.#nodes.length;
    const path = parent === null ? ident : `${this.path(parent)}.${ident}`;
    const argv = fields.argv ?? (kind === 'job' ? ['echo', ident] : null);
    const node: BuiltNode = {
      row: {
        id,
        parentId: parent,
        subtreeEnd: id,
        kind,
        ident,
        path,
        arrayIndex: fields.arrayIndex ?? null,
        arrayIndices: fields.arrayIndices ?? [],
        command: argv === null ? null : argv.join(' '),
        argv,
        env: kind === 'job' ? (fields.env ?? {}) : null,
        cwd: kind === 'job' ? (fields.cwd ?? '/tmp') : null,
        rerunOf: fields.rerunOf ?? null,
      },
      counts: [0, 0, 0, 0, 0],
      cpuPeak: fields.cpuPeak ?? null,
      rssPeak: fields.rssPeak ?? null,
    };
    this.#nodes.push(node);
    // Keep every ancestor's subtree range covering the new node, as the planner's pre-order ids do.
    for (let up = parent; up !== null; up = this.#nodes[up]?.row.parentId ?? null) this.#nodes[up]!.row.subtreeEnd = id;
    this.update(id, fields);
    return id;
  }
}

/** The state changes that bring a node to `fields`' state and result, as the runner sends them. */
const stateChanges = (id: number, fields: NodeFixture, node: BuiltNode, runStart: number): NodeChange[] => {
  const state = fields.state ?? (fields.result !== undefined && fields.result !== 'unknown' ? 'complete' : undefined);
  if (state === undefined || state === 'pending') return [];
  const changes: NodeChange[] = [{ type: 'launched', id, ts: fields.startedAt ?? 0 }];
  if (state === 'launched') return changes;
  // A running node has started (a start time is what makes it running); a complete one may never have.
  const startedAt = fields.startedAt ?? (state === 'running' ? runStart : null);
  if (startedAt !== null) changes.push({ type: 'started', id, ts: startedAt, pid: fields.pid ?? null });
  if (state === 'running') return changes;
  const result = fields.result ?? 'unknown';
  if (result === 'aborted' && (fields.startedAt === undefined || fields.startedAt === null)) {
    return [{ type: 'aborted', from: id, to: id, ts: fields.endedAt ?? runStart }];
  }
  changes.push({
    type: 'ended',
    id,
    ts: fields.endedAt ?? fields.startedAt ?? 0,
    result: Result[result],
    failure: fields.failure ?? null,
    exitCode: fields.exitCode ?? null,
    signal: fields.signal ?? null,
    counts: null,
    cpuPeak: node.cpuPeak,
    rssPeak: node.rssPeak,
  });
  return changes;
};

/** A fresh temporary directory for one test file (remove it in `after`). */
export function tempDir(prefix = 'gator-readers-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A small deterministic PRNG (mulberry32), so "random" fixtures are the same every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// The standard run used across tests.

export type RunVariant = 'finished' | 'cut-off' | 'live';

/** What the standard run contains, so tests can assert against it without re-deriving it. */
export interface StandardRun {
  readonly dbPath: string;
  readonly runId: string;
  readonly startedAt: number;
  /** Leaf job paths in id order. */
  readonly leafPaths: readonly string[];
  /** Leaf jobs that failed (finished variant). */
  readonly failedPaths: readonly string[];
  readonly abortedPaths: readonly string[];
  /** Leaf jobs in launched/running state (cut-off and live variants). */
  readonly inFlightPaths: readonly string[];
  /** Every message in (ts, id) order. */
  readonly messages: readonly { id: number; ts: number; severity: SeverityName; stream: StreamName; path: string; jobId: number; text: string }[];
}

export const STANDARD_START = 1_700_000_000; // 2023-11-14T22:13:20Z: fixed so output is reproducible
const SIMS = 8;
/** Array instances that fail in the standard run (three, as the rerun issue asks). */
export const FAILING_SIMS: readonly number[] = [2, 5, 6];

/**
 * The standard run: `top` { `build`, `sims` (array of 8 `sim_i`, seeds, 3 fail), `lint` { `style`,
 * `types` }, `post` (aborted because sims failed) }. Message timestamps are deliberately not in id
 * order in places, as several jobs' lines arrive interleaved.
 */
export function makeStandardRun(file: string, variant: RunVariant, options: { pid?: number; runId?: string; rerunOf?: string } = {}): StandardRun {
  const t0 = STANDARD_START;
  const runId = options.runId ?? `run-${variant}`;
  const finished = variant === 'finished';
  const b = new RunDbBuilder(file, {
    id: runId,
    specPath: '/work/examples/regression.yaml',
    startedAt: t0,
    pid: options.pid ?? (variant === 'cut-off' ? deadPid() : process.pid),
    heartbeatAt: variant === 'cut-off' ? t0 + 40 : variant === 'live' ? Date.now() / 1000 : t0 + 60,
    rerunOf: options.rerunOf ?? null,
  });
  const done = (startedAt: number, endedAt: number, exitCode: number, result: ResultName = exitCode === 0 ? 'success' : 'failure'): NodeFixture => ({
    state: 'complete',
    result,
    exitCode,
    failure: result === 'failure' ? 'exit' : null,
    startedAt,
    endedAt,
    pid: 4000 + Math.round(startedAt % 1000),
    cpuPeak: 97.5,
    rssPeak: 50_000_000 + Math.round(startedAt - t0) * 1_000_000,
  });

  const top = b.group(null, 'top', finished ? { state: 'complete', result: 'failure', startedAt: t0, endedAt: t0 + 60 } : { state: 'running', startedAt: t0 });
  const build = b.job(top, 'build', { ...done(t0 + 0.1, t0 + 5, 0), argv: ['make', 'build'], env: { GATOR_RUN: '1' }, cwd: '/work/build' });
  b.messages(build, [
    { ts: t0 + 0.2, text: 'compiling rtl' },
    { ts: t0 + 1.5, severity: 'WARNING', text: 'unused signal "dbg_q"' },
    { ts: t0 + 4.9, text: 'build done' },
  ]);
  b.sample(build, t0 + 1, 97.5, 40_000_000);
  b.sample(build, t0 + 3, 88, 55_000_000);

  const sims = b.array(
    top,
    'sims',
    finished ? { state: 'complete', result: 'failure', startedAt: t0 + 5, endedAt: t0 + 50 } : { state: 'running', startedAt: t0 + 5 },
  );
  const simIds: number[] = [];
  const inFlight: string[] = [];
  for (let i = 0; i < SIMS; i++) {
    const fails = FAILING_SIMS.includes(i);
    const start = t0 + 5 + i * 0.25;
    const end = start + 10 + i;
    // The live and cut-off variants are caught mid-way: sim_4 is running, sim_7 launched, sims after 5 pending.
    let fields: NodeFixture;
    if (finished || i < 4) fields = done(start, end, fails ? 1 : 0);
    else if (i === 4) fields = { state: 'running', startedAt: start, pid: 4444 };
    else if (i === 7) fields = { state: 'launched', startedAt: start };
    else fields = { state: 'pending' };
    const id = b.job(sims, `sim_${i}`, {
      ...fields,
      arrayIndex: i,
      arrayIndices: [i],
      argv: ['sim', '--seed', String(1000 + i)],
      env: { GATOR_ARRAY_INDEX: String(i), GATOR_ARRAY_INDICES: String(i), SEED: String(1000 + i) },
      cwd: '/work/sim',
    });
    simIds.push(id);
    if (fields.state === 'running' || fields.state === 'launched') inFlight.push(b.path(id));
    if (fields.state === 'pending' || fields.state === 'launched') continue;
    const lines: MessageFixture[] = [
      { ts: start + 0.01, severity: 'DEBUG', stream: 'runtime', text: `launching sim --seed ${1000 + i}` },
      { ts: start + 1, text: `seed ${1000 + i}` },
    ];
    for (let k = 0; k < 60; k++) lines.push({ ts: start + 1 + k * 0.1, text: `cycle ${k * 100} ok` });
    if (fails && fields.state === 'complete') {
      lines.push({ ts: start + 8, severity: 'ERROR', stream: 'stderr', text: `assertion failed: scoreboard mismatch at cycle ${i * 1000} <exp=0x1&got=0x2>` });
      lines.push({ ts: start + 8.5, severity: 'ERROR', stream: 'stderr', text: 'second error' });
    }
    b.messages(id, lines);
  }

  const lint = b.group(
    top,
    'lint',
    finished
      ? { state: 'complete', result: 'success', startedAt: t0 + 5, endedAt: t0 + 9 }
      : { state: 'complete', result: 'success', startedAt: t0 + 5, endedAt: t0 + 9 },
  );
  const style = b.job(lint, 'style', { ...done(t0 + 5, t0 + 7, 0), argv: ['lint', '--style'] });
  // Interleaved with the sims on purpose: these ids come after the sims' but their times are earlier.
  b.messages(style, [
    { ts: t0 + 5.5, text: 'style: 12 files' },
    { ts: t0 + 6, severity: 'WARNING', text: 'style: trailing whitespace\tin\u0001 "a.sv" & <b.sv>' },
  ]);
  const types = b.job(lint, 'types', { ...done(t0 + 5, t0 + 9, 0), argv: ['lint', '--types'] });
  b.messages(types, [{ ts: t0 + 8, text: 'types: ok' }]);
  const post = b.job(top, 'post', finished ? { state: 'complete', result: 'aborted' } : { state: 'pending' });
  void post;

  if (finished) b.finish(t0 + 60, 'failure', 1);
  const leafPaths = [build, ...simIds, style, types, post].map((id) => b.path(id));
  b.close();
  return {
    dbPath: file,
    runId,
    startedAt: t0,
    leafPaths,
    failedPaths: finished ? FAILING_SIMS.map((i) => `top.sims.sim_${i}`) : FAILING_SIMS.filter((i) => i < 4).map((i) => `top.sims.sim_${i}`),
    abortedPaths: finished ? ['top.post'] : [],
    inFlightPaths: inFlight,
    messages: readAllMessages(file),
  };
}

/** Every message in replay order, read straight from the tables (independently of the readers under test). */
export function readAllMessages(file: string): StandardRun['messages'] {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT m.id AS id, m.ts AS ts, m.severity AS severity, m.stream AS stream, n.path AS path, m.job_id AS jobId, m.text AS text
         FROM message m JOIN node n ON n.id = m.job_id ORDER BY m.ts, m.id`,
      )
      .all() as { id: number; ts: number; severity: number; stream: number; path: string; jobId: number; text: string }[];
    const severityName = (code: number): SeverityName => (Object.keys(Severity) as SeverityName[]).find((name) => Severity[name] === code) ?? 'INFO';
    const streamName = (code: number): StreamName => (Object.keys(Stream) as StreamName[]).find((name) => Stream[name] === code) ?? 'stdout';
    return rows.map((row) => ({ ...row, severity: severityName(row.severity), stream: streamName(row.stream) }));
  } finally {
    db.close();
  }
}

/** A pid that is certainly not running: that of a child that has already exited. */
export function deadPid(): number {
  // pid_max on Linux is at most 2^22; a number above it can never be a live process.
  return 4_194_304 + 17;
}

// ---------------------------------------------------------------------------------------------
// Running the built CLI (`npm run build` first), with colour off unless a test turns it on.

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const GATOR_BIN = join(REPO_ROOT, 'bin', 'gator.js');

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const cliEnv = (env: Readonly<Record<string, string | undefined>> = {}): NodeJS.ProcessEnv => {
  const merged: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...env };
  delete merged['FORCE_COLOR'];
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete merged[key];
  return merged;
};

export function gator(args: readonly string[], options: { cwd?: string; env?: Readonly<Record<string, string | undefined>> } = {}): CliResult {
  const result = spawnSync(process.execPath, [GATOR_BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: cliEnv(options.env),
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts the CLI without waiting; `output()` gives what it printed so far. */
export function gatorAsync(args: readonly string[], options: { cwd?: string; env?: Readonly<Record<string, string | undefined>> } = {}) {
  const child = spawn(process.execPath, [GATOR_BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, env: cliEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<CliResult>((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

/** Polls until `check` holds, failing after a generous timeout (machines under load are slow). */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// ---------------------------------------------------------------------------------------------
// The live variant: a child process that keeps writing.

export interface LiveWriter {
  readonly child: ChildProcess;
  readonly dbPath: string;
  /** Appends an INFO line to the running job (top.sims.sim_4). */
  say(text: string): void;
  /** Completes the run with the given exit code and waits for the writer to exit. */
  finish(exitCode: number): Promise<void>;
  /** Kills the writer with SIGKILL, leaving a cut-off run, and waits for it to be gone. */
  kill(): Promise<void>;
}

const HELPER = fileURLToPath(import.meta.url);

/** Starts the live writer on `file` and resolves once the standard run is in the database. */
export async function startLiveWriter(file: string): Promise<LiveWriter> {
  const child = spawn(process.execPath, ['--import', 'tsx', HELPER, 'live', file], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('ready\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`live writer exited early with ${code}`)));
  });
  return {
    child,
    dbPath: file,
    say: (text) => child.stdin?.write(`message ${text}\n`),
    finish: async (exitCode) => {
      child.stdin?.write(`finish ${exitCode}\n`);
      await exited;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

function runLiveWriter(file: string): void {
  makeStandardRun(file, 'live', { pid: process.pid, runId: 'run-live' });
  const b = new LiveAppender(file);
  let n = 0;
  const tick = setInterval(() => b.append(`tick ${n++}`), 100);
  const beat = setInterval(() => b.heartbeat(), 500);
  process.stdout.write('ready\n');
  createInterface({ input: process.stdin }).on('line', (line) => {
    const [command, ...rest] = line.split(' ');
    if (command === 'message') b.append(rest.join(' '));
    if (command === 'finish') {
      clearInterval(tick);
      clearInterval(beat);
      b.finish(Number(rest[0] ?? 0));
      process.exit(0);
    }
  });
}

/** Appends to an existing standard run through the storage writer, one batch per line, as the runner would. */
class LiveAppender {
  readonly #file: string;
  readonly #writer: RunWriter;
  readonly #jobId: number;
  readonly #counts: Counts;

  constructor(file: string) {
    this.#file = file;
    const db = new Database(file, { readonly: true });
    const row = db.prepare("SELECT id, msg_debug, msg_info, msg_warning, msg_error, msg_critical FROM jobs WHERE path = 'top.sims.sim_4'").get() as {
      id: number;
      msg_debug: number;
      msg_info: number;
      msg_warning: number;
      msg_error: number;
      msg_critical: number;
    };
    db.close();
    this.#jobId = row.id;
    this.#counts = [row.msg_debug, row.msg_info, row.msg_warning, row.msg_error, row.msg_critical];
    this.#writer = RunWriter.open(file);
  }

  append(text: string): void {
    const columns = emptyMessageColumns();
    columns.jobId.push(this.#jobId);
    columns.ts.push(Date.now() / 1000);
    columns.severity.push(Severity.INFO);
    columns.stream.push(Stream.stdout);
    columns.text.push(text);
    columns.raw.push(null);
    this.#counts[1] += 1;
    this.#writer.write({ messages: columns, changes: [{ type: 'progress', id: this.#jobId, counts: [...this.#counts], cpuPeak: null, rssPeak: null }] });
  }

  heartbeat(): void {
    this.#writer.heartbeat(Date.now() / 1000);
  }

  /** Ends every job still open as passed, every group with the run's result, then the run. */
  finish(exitCode: number): void {
    const now = Date.now() / 1000;
    const result = exitCode === 0 ? Result.success : Result.failure;
    const db = new Database(this.#file, { readonly: true });
    const open = db.prepare("SELECT id, kind, state FROM jobs WHERE state != 'complete' OR kind != 'job'").all() as {
      id: number;
      kind: string;
      state: string;
    }[];
    db.close();
    const changes: NodeChange[] = open.map(({ id, kind }) => ({
      type: 'ended',
      id,
      ts: now,
      result: kind === 'job' ? Result.success : result,
      failure: null,
      exitCode: kind === 'job' ? 0 : null,
      signal: null,
      counts: null,
      cpuPeak: null,
      rssPeak: null,
    }));
    this.#writer.write({ changes });
    this.#writer.finish({ endedAt: now, result: exitCode === 0 ? RunResult.success : RunResult.failure, exitCode });
    this.#writer.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === 'live') {
  const file = process.argv[3];
  if (file === undefined) throw new Error('usage: make-run-db.ts live DB');
  runLiveWriter(file);
}

/**
 * Makes a run database written by the real writer look like an older gator's: an earlier
 * `PRAGMA user_version`, and the public views that gator did not have yet dropped.
 */
export function ageRunDatabase(dbPath: string, version: number, dropViews: readonly string[]): void {
  const db = new Database(dbPath);
  try {
    for (const view of dropViews) db.exec(`DROP VIEW ${view}`);
    db.pragma(`user_version = ${version}`);
  } finally {
    db.close();
  }
}
