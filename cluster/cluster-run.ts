// The head's side of a run on a cluster: every leaf job of the run goes through one
// ClusterRun. It gathers leaves that become ready together, submits like ones as arrays
// (chunked at the scheduler's array limit), keeps the run's jobs in the scheduler under a
// window and submissions under a rate, retries what the scheduler refuses for now, polls the
// whole run with one call per interval (backing off while nothing changes), ingests each job's
// frames exactly once (TCP when the leaf reaches the head, the spool file always), fails jobs
// the scheduler ended without a final frame, and cancels the run in one call.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isFinished, SubmitError, type ClusterBackend, type ClusterJobStatus, type ClusterLimits, type ClusterState, type ResourceRequest } from './backend.js';
import { HeadChannel, writeHeadFile } from './channel.js';
import type { LeafFrame } from './frames.js';
import { manifestPath, readManifest, writeManifest, type ClusterPaths, type LeafTask, type Transport } from './manifest.js';
import { readSpool, spoolPath } from './spool.js';

export interface ClusterRunOptions {
  /** The job name every job of the run shares. */
  readonly name: string;
  readonly paths: ClusterPaths;
  readonly transport: Transport;
  /** Address the head listens on for leaves (loopback unless told otherwise). */
  readonly bind: string;
  /** Most of the run's tasks in the scheduler at once (queued or running). */
  readonly maxQueued: number;
  /** Most submissions per second (an array counts once). */
  readonly submitRate: number;
  /** Seconds between polls while things change; backs off to `pollMax` while nothing does. */
  readonly pollInterval: number;
  readonly pollMax: number;
  /** Seconds a job the scheduler reports finished may take to show its final frame. */
  readonly lostGrace: number;
  /** Seconds between resource samples, and the leaf's SIGTERM-to-SIGKILL grace. */
  readonly interval: number;
  readonly grace: number;
  /** How a compute node starts the leaf: the node binary and the leaf's script. */
  readonly nodePath: string;
  readonly leafMain: string;
  /** Leaves that become ready within this many milliseconds share a submission. */
  readonly batchDelayMs: number;
}

export interface LeafJob extends LeafTask {
  readonly resources: ResourceRequest;
}

/** What a job hears about its leaf, in this order: submitted, hello, started, output/sample/warning/time limit, ended. */
export interface LeafListener {
  submitted(clusterId: string): void;
  hello(host: string, clusterId: string): void;
  started(pid: number): void;
  /** The command could not be started on the node. */
  failed(code: string, message: string): void;
  output(stream: 0 | 1, chunk: Buffer): void;
  sample(ts: number, nproc: number, cpu: number, rss: number): void;
  warning(text: string): void;
  /** The scheduler is ending the job for its time limit, of this many seconds (null: not known). */
  timeLimit(seconds: number | null): void;
  /** Every frame up to spool offset `offset` has been delivered. */
  ingested(offset: number): void;
  ended(exitCode: number | null, signal: string | null): void;
  /** The scheduler refused the job: its message. */
  rejected(message: string): void;
  /** The run stopped before the job reached the scheduler. */
  withdrawn(): void;
  /** The job ended without its final frame: why, and the tail of the scheduler's output file. */
  lost(reason: string, tail: string | null): void;
}

/** Where a job submitted by an earlier head stands, for `gator attach`. */
export interface ResumePoint {
  readonly offset: number;
}

/**
 * `draining`: the job's final frame is in, but the scheduler still lists it as active (the leaf
 * is exiting): it keeps its place in the window until a poll shows it finished.
 */
type Phase = 'ready' | 'submitting' | 'queued' | 'draining' | 'ended';

interface Tracked {
  readonly job: LeafJob;
  readonly listener: LeafListener;
  phase: Phase;
  batch: number;
  index: number;
  /** The submission's id (an array's id) once known. */
  submissionId: string | null;
  submittedAt: number;
  offset: number;
  /** Frames arrive over TCP: no need to re-open its spool until it ends. */
  live: boolean;
  stateName: string;
  reason: string;
  /** The scheduler's last state for it, reduced (null: not listed yet). */
  state: ClusterState | null;
  /** When the scheduler was first seen to have finished it (or lost it). */
  finishedAt: number | null;
  started: boolean;
  /** While the run is stopping, a drained job's end is told once the scheduler shows it gone. */
  held: (() => void) | null;
  /** The head cannot store more of this job's output now: its frames wait in the spool. */
  paused: boolean;
}

const TAIL_BYTES = 2048;
/** Spool files re-opened per second at most, across all jobs without a TCP connection. */
const SPOOL_OPENS_PER_SECOND = 200;
const SUBMIT_ATTEMPTS = 6;

const now = (): number => Date.now() / 1000;

const tail = (path: string): string | null => {
  try {
    const text = readFileSync(path);
    const cut = text
      .subarray(Math.max(0, text.length - TAIL_BYTES))
      .toString('utf8')
      .trim();
    return cut === '' ? null : cut;
  } catch {
    return null;
  }
};

export class ClusterRun {
  readonly backend: ClusterBackend;
  #options: ClusterRunOptions;
  #limits: ClusterLimits | null = null;
  #ready: Promise<void>;
  #maxQueued: number;
  #nextBatch = 1;
  #jobs = new Map<number, Tracked>();
  #draining = new Set<Tracked>();
  #byTask = new Map<string, Tracked>();
  #byBatch = new Map<number, Tracked[]>();
  #waiting: Tracked[] = [];
  #inScheduler = 0;
  #tokens: number;
  #tokensAt = Date.now();
  #flushTimer: NodeJS.Timeout | null = null;
  #pollTimer: NodeJS.Timeout | null = null;
  #pollDelay: number;
  #polling = false;
  #changed = false;
  #spoolTimer: NodeJS.Timeout | null = null;
  #spoolCursor = 0;
  #channel: HeadChannel | null = null;
  #stopping = false;
  #stopDeadline: NodeJS.Timeout | null = null;
  /** Problems the run should hear about once (a failing squeue, a shrunk window). */
  readonly notices: string[] = [];
  onNotice: ((text: string) => void) | null = null;

  constructor(options: ClusterRunOptions, backend: ClusterBackend) {
    this.#options = options;
    this.backend = backend;
    this.#maxQueued = Math.max(1, options.maxQueued);
    this.#tokens = Math.max(1, options.submitRate);
    this.#pollDelay = options.pollInterval;
    this.#ready = this.#prepare();
    this.#ready.catch(() => undefined);
  }

  async #prepare(): Promise<void> {
    const { paths } = this.#options;
    for (const dir of [paths.root, paths.spoolDir, paths.batchDir, paths.outputDir]) mkdirSync(dir, { recursive: true });
    writeFileSync(
      paths.script,
      `#!/bin/sh\nexec '${this.#options.nodePath.replaceAll("'", "'\\''")}' '${this.#options.leafMain.replaceAll("'", "'\\''")}' "$1" "\${SLURM_ARRAY_TASK_ID:-0}"\n`,
      { mode: 0o755 },
    );
    for (const file of existsSync(paths.batchDir) ? readdirSync(paths.batchDir) : []) {
      const match = /^(\d+)\.json$/.exec(file);
      if (match !== null) this.#nextBatch = Math.max(this.#nextBatch, Number(match[1]) + 1);
    }
    if (this.#options.transport !== 'fs') {
      const { channel, address } = await HeadChannel.listen(this.#options.bind, 900, {
        frame: (frame, start, end) => this.#onLiveFrame(frame, start, end),
        closed: (nodes) => {
          for (const id of nodes) {
            const tracked = this.#jobs.get(id);
            if (tracked !== undefined) tracked.live = false;
          }
        },
      });
      this.#channel = channel;
      writeHeadFile(paths.headFile, address);
    }
    this.#limits = await this.backend.discover();
    this.#maxQueued = Math.min(this.#maxQueued, this.#limits.maxJobs);
  }

  get limits(): ClusterLimits | null {
    return this.#limits;
  }

  /** Queues a leaf for submission. */
  launch(job: LeafJob, listener: LeafListener): void {
    const tracked = this.#track(job, listener, 'ready', 0);
    if (this.#stopping) {
      tracked.phase = 'ended';
      this.#jobs.delete(job.id);
      listener.withdrawn();
      return;
    }
    this.#waiting.push(tracked);
    this.#scheduleFlush(this.#options.batchDelayMs);
  }

  /** Takes over a leaf that an earlier head submitted: ingest from `point.offset` and poll it. */
  resume(job: LeafJob, listener: LeafListener, batch: number, index: number, point: ResumePoint): void {
    const tracked = this.#track(job, listener, 'queued', point.offset);
    tracked.batch = batch;
    tracked.index = index;
    tracked.submittedAt = now();
    tracked.started = point.offset > 0;
    this.#byTask.set(`${batch}:${index}`, tracked);
    const members = this.#byBatch.get(batch) ?? [];
    members.push(tracked);
    this.#byBatch.set(batch, members);
    this.#inScheduler++;
    void this.#ready.then(() => {
      this.#catchUp(tracked);
      this.#ensureTimers();
    });
  }

  #track(job: LeafJob, listener: LeafListener, phase: Phase, offset: number): Tracked {
    const tracked: Tracked = {
      job,
      listener,
      phase,
      batch: 0,
      index: 0,
      submissionId: null,
      submittedAt: 0,
      offset,
      live: false,
      stateName: '',
      reason: '',
      state: null,
      finishedAt: null,
      started: false,
      held: null,
      paused: false,
    };
    this.#jobs.set(job.id, tracked);
    return tracked;
  }

  #scheduleFlush(delayMs: number): void {
    if (this.#flushTimer !== null || this.#stopping) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = null;
      void this.#ready.then(
        () => this.#flush(),
        (error: unknown) => this.#failWaiting(error),
      );
    }, delayMs);
  }

  /** The cluster could not be reached at all: every waiting job fails with the reason. */
  #failWaiting(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    for (const tracked of this.#waiting.splice(0)) this.#end(tracked, () => tracked.listener.rejected(message));
  }

  #takeToken(): boolean {
    const rate = this.#options.submitRate;
    const at = Date.now();
    this.#tokens = Math.min(Math.max(1, rate), this.#tokens + ((at - this.#tokensAt) / 1000) * rate);
    this.#tokensAt = at;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  #flush(): void {
    if (this.#stopping || this.#waiting.length === 0) return;
    const maxArray = this.#limits?.maxArrayTasks ?? 1;
    // Like leaves (same resource request) go together, in the order they became ready.
    const groups = new Map<string, Tracked[]>();
    for (const tracked of this.#waiting) {
      const key = JSON.stringify(tracked.job.resources);
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [tracked]);
      else group.push(tracked);
    }
    const left: Tracked[] = [];
    let blocked = false;
    for (const group of groups.values()) {
      while (group.length > 0 && !blocked) {
        const headroom = this.#maxQueued - this.#inScheduler;
        if (headroom <= 0) {
          blocked = true;
          break;
        }
        if (!this.#takeToken()) {
          blocked = true;
          this.#scheduleFlush(Math.ceil(1000 / Math.max(0.001, this.#options.submitRate)));
          break;
        }
        const chunk = group.splice(0, Math.min(maxArray, headroom));
        this.#inScheduler += chunk.length;
        void this.#submit(chunk, this.#nextBatch++, 1);
      }
      left.push(...group);
    }
    this.#waiting = left;
  }

  async #submit(chunk: Tracked[], batch: number, attempt: number): Promise<void> {
    const { paths } = this.#options;
    const manifest = manifestPath(paths.batchDir, batch);
    if (attempt === 1) {
      chunk.forEach((tracked, index) => {
        tracked.phase = 'submitting';
        tracked.batch = batch;
        tracked.index = index;
        this.#byTask.set(`${batch}:${index}`, tracked);
      });
      this.#byBatch.set(batch, chunk);
      writeManifest(manifest, {
        spoolDir: paths.spoolDir,
        headFile: paths.headFile,
        transport: this.#options.transport,
        interval: this.#options.interval,
        grace: this.#options.grace,
        timeSeconds: chunk[0]!.job.resources.timeSeconds,
        tasks: chunk.map(({ job }) => ({ id: job.id, command: job.command, args: job.args, cwd: job.cwd, env: job.env })),
      });
    }
    try {
      const { clusterId } = await this.backend.submit({
        name: this.#options.name,
        tag: String(batch),
        script: paths.script,
        args: [manifest],
        tasks: chunk.length,
        resources: chunk[0]!.job.resources,
        workDir: paths.root,
        outputDir: paths.outputDir,
      });
      const at = now();
      chunk.forEach((tracked, index) => {
        if (tracked.phase !== 'submitting') return;
        tracked.phase = 'queued';
        tracked.submissionId = clusterId;
        tracked.submittedAt = at;
        tracked.listener.submitted(chunk.length > 1 ? `${clusterId}_${index}` : clusterId);
      });
      // Submitted while the run was being cancelled: cancel again so nothing is left queued.
      if (this.#stopping) void this.backend.cancel(this.#options.name).catch(() => undefined);
      this.#changed = true;
      this.#ensureTimers();
    } catch (error) {
      const failure = error instanceof SubmitError ? error : new SubmitError('transient', error instanceof Error ? error.message : String(error));
      if (this.#stopping) {
        for (const tracked of chunk) this.#end(tracked, () => tracked.listener.withdrawn());
        return;
      }
      if (failure.kind === 'transient' && attempt < SUBMIT_ATTEMPTS) {
        const backoff = Math.min(30_000, 500 * 2 ** (attempt - 1)) * (0.75 + Math.random() / 2);
        setTimeout(() => void this.#submit(chunk, batch, attempt + 1), backoff);
        return;
      }
      if (failure.kind === 'quota') {
        // The scheduler's per-user limit is below our window: hold this many fewer and retry.
        this.#inScheduler -= chunk.length;
        const shrunk = Math.max(1, Math.min(this.#maxQueued, this.#inScheduler));
        if (shrunk < this.#maxQueued) this.#notice(`the cluster refused more jobs (${failure.message}); keeping at most ${shrunk} queued`);
        this.#maxQueued = shrunk;
        for (const tracked of chunk) {
          tracked.phase = 'ready';
          this.#byTask.delete(`${batch}:${tracked.index}`);
        }
        this.#byBatch.delete(batch);
        this.#waiting.unshift(...chunk);
        this.#scheduleFlush(Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5)));
        return;
      }
      for (const tracked of chunk) this.#end(tracked, () => tracked.listener.rejected(failure.message));
    }
  }

  #notice(text: string): void {
    this.notices.push(text);
    this.onNotice?.(text);
  }

  #ensureTimers(): void {
    if (this.#pollTimer === null && !this.#polling && this.#hasQueued()) {
      this.#pollTimer = setTimeout(() => void this.#poll(), this.#pollDelay * 1000);
      // Only drained jobs left: their window places matter only while jobs still wait, and
      // they must not keep a finished run's thread alive (unless it waits for a cancel).
      const queued = [...this.#jobs.values()].some((tracked) => tracked.phase === 'queued');
      if (!queued && !this.#stopping && this.#waiting.length === 0) this.#pollTimer.unref();
    }
    if (this.#spoolTimer === null && this.#hasQueued() && this.#options.transport !== 'tcp') {
      this.#spoolTimer = setTimeout(() => this.#readSpools(), Math.min(1000, this.#options.pollInterval * 1000));
    }
  }

  #hasQueued(): boolean {
    for (const tracked of this.#jobs.values()) if (tracked.phase === 'queued') return true;
    return this.#draining.size > 0;
  }

  async #poll(): Promise<void> {
    this.#pollTimer = null;
    this.#polling = true;
    let statuses: ClusterJobStatus[] | null = null;
    try {
      statuses = await this.backend.poll(this.#options.name);
    } catch (error) {
      this.#notice(error instanceof Error ? error.message : String(error));
    }
    this.#polling = false;
    if (statuses !== null) this.#applyStatuses(statuses);
    this.#checkFinished();
    this.#pollDelay = this.#changed || this.#stopping ? this.#options.pollInterval : Math.min(this.#options.pollMax, this.#pollDelay * 1.5);
    this.#changed = false;
    this.#ensureTimers();
  }

  #applyStatuses(statuses: readonly ClusterJobStatus[]): void {
    const seen = new Set<Tracked>();
    const at = now();
    const apply = (tracked: Tracked, status: ClusterJobStatus): void => {
      if ((tracked.phase !== 'queued' && tracked.phase !== 'draining') || seen.has(tracked)) return;
      seen.add(tracked);
      if (tracked.stateName !== status.stateName) this.#changed = true;
      tracked.stateName = status.stateName;
      tracked.reason = status.reason;
      tracked.state = status.state;
      if (isFinished(status.state) && tracked.finishedAt === null) tracked.finishedAt = at;
    };
    for (const status of statuses) {
      const batch = Number(status.tag);
      if (status.index >= 0) {
        const tracked = this.#byTask.get(`${batch}:${status.index}`);
        if (tracked !== undefined) apply(tracked, status);
      }
    }
    // A record for a whole submission (an array cancelled before any task started) covers the tasks not listed one by one.
    for (const status of statuses) {
      if (status.index >= 0) continue;
      for (const tracked of this.#byBatch.get(Number(status.tag)) ?? []) apply(tracked, status);
    }
    // Drained jobs leave the window once the scheduler no longer counts them as active.
    for (const tracked of [...this.#draining]) {
      if (!seen.has(tracked) || tracked.finishedAt !== null) this.#release(tracked);
    }
    // Not listed at all: purged after it finished (or not yet visible). Give it two polls.
    for (const tracked of this.#jobs.values()) {
      if (tracked.phase !== 'queued' || seen.has(tracked) || tracked.finishedAt !== null) continue;
      if (at - tracked.submittedAt > 2 * this.#options.pollInterval + 5) {
        tracked.finishedAt = at;
        tracked.stateName = tracked.stateName === '' ? 'UNKNOWN' : tracked.stateName;
        tracked.reason = 'no longer known to Slurm';
      }
    }
  }

  /** Jobs the scheduler has finished: drain their spools; past the grace, fail those without a final frame. */
  #checkFinished(): void {
    const at = now();
    for (const tracked of [...this.#jobs.values()]) {
      if (tracked.phase !== 'queued' || tracked.finishedAt === null) continue;
      this.#catchUp(tracked);
      // A paused job's frames wait in its spool: it is not lost while the head holds them back.
      if (tracked.phase !== 'queued' || tracked.paused) continue;
      // A job that never started has no frame to wait for.
      const grace = tracked.started ? this.#options.lostGrace : Math.min(this.#options.lostGrace, 2 * this.#options.pollInterval);
      if (at - tracked.finishedAt < grace) continue;
      this.#loseJob(tracked);
    }
  }

  #loseJob(tracked: Tracked): void {
    const state = tracked.stateName === '' ? 'UNKNOWN' : tracked.stateName;
    const why = tracked.reason !== '' && tracked.reason !== 'None' ? ` (${tracked.reason})` : '';
    const reason = `Slurm reports the job ${state}${why} and it sent no final report`;
    const id = tracked.submissionId;
    const batchSize = this.#byBatch.get(tracked.batch)?.length ?? 1;
    const output = id === null ? null : join(this.#options.paths.outputDir, batchSize > 1 ? `${id}_${tracked.index}.out` : `${id}.out`);
    this.#end(tracked, () => {
      // Ended for its time limit, and killed before its leaf could say so: still a timeout.
      if (tracked.state === 'timeout') tracked.listener.timeLimit(null);
      tracked.listener.lost(reason, output === null ? null : tail(output));
    });
  }

  #readSpools(): void {
    this.#spoolTimer = null;
    const candidates = [...this.#jobs.values()].filter((tracked) => tracked.phase === 'queued' && !tracked.live && tracked.stateName !== 'PENDING');
    const budget = Math.max(1, Math.floor((SPOOL_OPENS_PER_SECOND * Math.min(1000, this.#options.pollInterval * 1000)) / 1000));
    for (let i = 0; i < Math.min(budget, candidates.length); i++) {
      this.#catchUp(candidates[(this.#spoolCursor + i) % candidates.length]!);
    }
    this.#spoolCursor = candidates.length === 0 ? 0 : (this.#spoolCursor + budget) % candidates.length;
    this.#ensureTimers();
  }

  /**
   * Backpressure: while paused, a job's frames are left in its spool (TCP ones are dropped, to
   * be read back from the spool), so a job that floods its output costs the head no memory.
   */
  setPaused(id: number, paused: boolean): void {
    const tracked = this.#jobs.get(id);
    if (tracked === undefined || tracked.paused === paused) return;
    tracked.paused = paused;
    if (!paused) this.#catchUp(tracked);
  }

  #catchUp(tracked: Tracked): void {
    if (tracked.phase !== 'queued' || tracked.paused) return;
    const { frames } = readSpool(spoolPath(this.#options.paths.spoolDir, tracked.job.id), tracked.offset);
    for (const { frame, end } of frames) {
      if (tracked.phase !== 'queued') return;
      this.#deliver(tracked, frame, end);
    }
  }

  #onLiveFrame(frame: LeafFrame, start: number, end: number): void {
    const tracked = this.#jobs.get(frame.id);
    if (tracked === undefined || tracked.phase !== 'queued') return;
    tracked.live = true;
    if (tracked.paused) return;
    if (start > tracked.offset) this.#catchUp(tracked);
    // Already delivered (from the spool, or before a reconnect), or still a gap the spool does not show yet.
    if (start !== tracked.offset || tracked.phase !== 'queued') return;
    this.#deliver(tracked, frame, end);
  }

  #deliver(tracked: Tracked, frame: LeafFrame, end: number): void {
    tracked.offset = end;
    const listener = tracked.listener;
    switch (frame.type) {
      case 'hello':
        tracked.started = true;
        listener.hello(frame.host, frame.clusterId);
        break;
      case 'started':
        tracked.started = true;
        listener.started(frame.pid);
        break;
      case 'failed':
        this.#end(tracked, () => listener.failed(frame.code, frame.message), true);
        return;
      case 'output':
        listener.output(frame.stream, frame.chunk);
        break;
      case 'sample':
        listener.sample(frame.ts, frame.nproc, frame.cpu, frame.rss);
        break;
      case 'warning':
        listener.warning(frame.text);
        break;
      case 'time-limit':
        listener.timeLimit(frame.seconds);
        break;
      case 'ended':
        listener.ingested(end);
        this.#end(tracked, () => listener.ended(frame.exitCode, frame.signal), true);
        return;
    }
    listener.ingested(end);
  }

  /**
   * The job is over for the run. `drain`: its own final frame said so, and the scheduler may
   * still list it while the leaf exits; it keeps its window place until a poll shows it gone.
   */
  #end(tracked: Tracked, tell: () => void, drain = false): void {
    if (tracked.phase === 'ended' || tracked.phase === 'draining') return;
    const wasQueued = tracked.phase === 'queued';
    const inScheduler = wasQueued || tracked.phase === 'submitting';
    this.#jobs.delete(tracked.job.id);
    this.#changed = true;
    if (drain && wasQueued && tracked.finishedAt === null) {
      tracked.phase = 'draining';
      this.#draining.add(tracked);
      // A stopping run ends once the scheduler has let go of its jobs, not merely when they said goodbye.
      if (this.#stopping) tracked.held = tell;
      else tell();
      this.#ensureTimers();
      return;
    }
    tracked.phase = 'ended';
    this.#byTask.delete(`${tracked.batch}:${tracked.index}`);
    if (inScheduler) this.#inScheduler--;
    tell();
    this.#afterRelease();
  }

  #release(tracked: Tracked): void {
    if (!this.#draining.delete(tracked)) return;
    tracked.phase = 'ended';
    this.#byTask.delete(`${tracked.batch}:${tracked.index}`);
    this.#inScheduler--;
    const held = tracked.held;
    tracked.held = null;
    held?.();
    this.#afterRelease();
  }

  #afterRelease(): void {
    if (this.#waiting.length > 0) this.#scheduleFlush(0);
    if (this.#jobs.size === 0 && this.#draining.size === 0) this.#idle();
  }

  /** Nothing left to watch: timers go, so the thread can end. */
  #idle(): void {
    for (const timer of [this.#pollTimer, this.#spoolTimer, this.#stopDeadline]) if (timer !== null) clearTimeout(timer);
    this.#pollTimer = null;
    this.#spoolTimer = null;
    this.#stopDeadline = null;
  }

  /**
   * The run is stopping. First call: submit nothing more, cancel every job of the run in one
   * call, and give the leaves KillWait plus a margin to send their final frames; after that
   * the rest are lost. `force`: give up on them at once.
   */
  stop(force: boolean): void {
    if (!this.#stopping) {
      this.#stopping = true;
      if (this.#flushTimer !== null) clearTimeout(this.#flushTimer);
      this.#flushTimer = null;
      for (const tracked of this.#waiting.splice(0)) this.#end(tracked, () => tracked.listener.withdrawn());
      const submitted = [...this.#jobs.values()].some((tracked) => tracked.phase === 'queued' || tracked.phase === 'submitting');
      if (submitted)
        void this.backend.cancel(this.#options.name).catch((error: unknown) => this.#notice(error instanceof Error ? error.message : String(error)));
      const wait = (this.#limits?.killWaitSeconds ?? 30) + 10 + this.#options.grace;
      this.#pollDelay = Math.min(this.#pollDelay, 1);
      if (this.#jobs.size > 0)
        this.#stopDeadline = setTimeout(() => this.#giveUp(`the run was cancelled and the job sent no final report within ${wait} s`), wait * 1000);
      this.#ensureTimers();
    }
    if (force) this.#giveUp('the run was killed before the job sent its final report');
  }

  #giveUp(reason: string): void {
    for (const tracked of [...this.#jobs.values()]) {
      this.#catchUp(tracked);
      this.#end(tracked, () => tracked.listener.lost(reason, null));
    }
    for (const tracked of [...this.#draining]) this.#release(tracked);
  }

  /** Closes the listener; the run is over. */
  close(): void {
    this.#idle();
    if (this.#flushTimer !== null) clearTimeout(this.#flushTimer);
    this.#channel?.close();
  }
}

/** The batch and task index of every node an earlier head submitted, from the manifests it wrote. */
export const submittedTasks = (paths: ClusterPaths): Map<number, { batch: number; index: number }> => {
  const tasks = new Map<number, { batch: number; index: number }>();
  let files: string[] = [];
  try {
    files = readdirSync(paths.batchDir);
  } catch {
    return tasks;
  }
  const batches = files
    .map((file) => /^(\d+)\.json$/.exec(file))
    .filter((match) => match !== null)
    .map((match) => Number(match[1]))
    .sort((a, b) => a - b);
  for (const batch of batches) {
    const path = manifestPath(paths.batchDir, batch);
    if (!statSync(path).isFile()) continue;
    readManifest(path).tasks.forEach((task, index) => tasks.set(task.id, { batch, index }));
  }
  return tasks;
};
