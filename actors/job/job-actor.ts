// A job actor supervises one job: it opens the job's API endpoint (GATOR_PARENT; local runs),
// starts the process directly (no shell) in its own process group with stdin closed (creating
// its working directory first when asked), gives each stdout and stderr line its severity as it
// arrives (stdout INFO, stderr ERROR or the spec's `stderr:`, then the spec's parsers and
// patterns), applies what the job reports through its API, samples its process tree (warning
// when it uses more memory than it asked for), stops it on request or when it runs past its
// timeout (SIGTERM, then SIGKILL after the grace period), runs it again when a failed attempt
// matches its retry rules, and reports pass or fail to its group.
import { defineActor, type ActorContext } from '../../runtime/index.js';
import type { PlannedJob } from '../../spec/plan.js';
import { Result, SEVERITY_NAME, Severity, STREAM_NAME, Stream, type SeverityLevel, type StreamCode } from '../../vocabulary/codes.js';
import { unreachable } from '../../vocabulary/unreachable.js';
import {
  describeFailure,
  displayCommand,
  FORCED_CUT_LINE,
  formatBytes,
  formatLimit,
  outputCutLine,
  overMemoryLine,
  retryLine,
  schedulerTimeLimitLine,
  shortageNotice,
  timedOutLine,
} from '../../vocabulary/wording.js';
import { describeRule } from '../../spec/retry-rule.js';
import { JOB_HOST_SERVICES, type JobHostServices } from '../job-host-services.js';
import { afterSeconds, type Timer } from '../timers.js';
import { reportEnded } from '../node-outcome.js';
import type { Outbox } from '../outbox-actor.js';
import type { GroupSignal, ProcessGroups, SignalReason } from '../process-groups.js';
import type { JobInit, JobMessage, JobResume, MessageLimits, RunSettings, StopCause } from '../protocol.js';
import { LineClassifier, classifiesLines } from '../../parsers/index.js';
import { apiLeftOpenLine, apiProblemLine, apiProblemsHidden, apiUnavailableLine, failedTestLine } from '../../vocabulary/wording.js';
import type { ApiEndpoint } from './api/endpoints.js';
import { JobRequests } from './api/requests.js';
import { mergeSchedulerOptions } from '../../cluster/settings.js';
import { resourceRequest } from './launch/cluster-launcher.js';
import { DRAIN_MS, type Launched, type LaunchListener } from './launch/launcher.js';
import { LineSplitter } from './line-splitter.js';
import { makeDirectory } from './make-directory.js';
import { OutputWatch, retryReason } from './retry.js';
import type { TreeSample } from './sampler.js';
import { describeSpawnError } from './spawn-error.js';
import { checkTestResults, resultsFileOf } from './test-results.js';
import { effectiveLimits, judge, type Verdict } from './verdict.js';
/** Only this much of a first error line travels to the console. */
const FIRST_ERROR_CHARS = 1000;

const now = (): number => Date.now() / 1000;
/** A plain copy: spreading `process.env` itself calls getenv for every variable, every job. */
const RUNNER_ENV: Readonly<Record<string, string | undefined>> = { ...process.env };
/** Tests for content without copying the line, as `trim()` would for every line. */
const NOT_BLANK = /\S/;
/** After SIGKILL on a second Ctrl+C, how long the job waits for its process to be reaped. */
const FORCE_END_MS = 1000;
/** Waits before starting again a job the runner had no resources for, growing to the last. */
const RELAUNCH_MS = [100, 250, 500, 1000, 2000];
/** After the job's process ended, how long its API connections may stay open (a client still sending). */
const API_DRAIN_SECONDS = 2;
/** Problems with a job's API requests written to its log; the rest are counted. */
const API_PROBLEMS_SHOWN = 20;
/** Gator's client sends whole seconds: a timestamp within this of arrival is taken as arrival time. */
const TIMESTAMP_SLACK_S = 1;

type ExitCause = 'spawn' | 'lost' | 'cluster-lost' | null;

export class JobActor {
  #context: ActorContext<JobMessage>;
  #init: JobInit;
  #job: PlannedJob;
  #settings: RunSettings;
  #services: JobHostServices;
  #outbox: Outbox;
  #processGroups: ProcessGroups;
  #process: Launched | null = null;
  #pid: number | null = null;
  /** When the first attempt started (the job's start), and when the current one did. */
  #startedAt = 0;
  #attemptStartedAt = 0;
  /** 1 for the first attempt; more after retries. */
  #attempt = 1;
  #outputWatch: OutputWatch | null;
  #timeoutTimer: Timer | null = null;
  /** Set when the attempt ran out of time: its own `timeout` or its cluster time limit (`limit`), or its group's (null). */
  #timedOut: { readonly limit: number | null } | null = null;
  /** SIGTERM was not enough: the grace period ran out and the group was killed. */
  #killed = false;
  #overMemory = false;
  #counts: [number, number, number, number, number] = [0, 0, 0, 0, 0];
  #firstError: string | null = null;
  #cpuPeak: number | null = null;
  #rssPeak: number | null = null;
  #splitters: [LineSplitter, LineSplitter];
  #stopping = false;
  #forced = false;
  #graceTimer: Timer | null = null;
  #forceTimer: NodeJS.Timeout | null = null;
  #relaunchTimer: NodeJS.Timeout | null = null;
  #shortages = 0;
  #unsubscribeFlow: () => void;
  #done = false;
  /** The process runs on a cluster node: stopped through the launcher, sampled there. */
  #remote: { stop(force: boolean): void } | null = null;
  /** A cluster leaf's spool offset up to which every line has been recorded. */
  #ingested = 0;
  #resume: JobResume | null;
  /** The cluster node the job runs on, once known. */
  #host: string | undefined;
  /** Parsers and patterns, or null when the job has none (then stdout is INFO and stderr its default). */
  #classifier: LineClassifier | null;
  /** The stream the line being classified came from, for the metrics a parser reads from it. */
  #lineStream: StreamCode = Stream.stdout;
  #limits: MessageLimits;
  /** The job's API endpoint; null on a cluster (it listens on loopback only). */
  #api: ApiEndpoint | null = null;
  /** The endpoint's port, once it listens (null: none). */
  #port: number | null = null;
  #requests: JobRequests;
  #apiProblems = 0;
  /** The process has exited; its end waits for the API connections to close. */
  #exited: { readonly code: number | null; readonly signal: NodeJS.Signals | null } | null = null;

  constructor(context: ActorContext<JobMessage>, init: JobInit, services: JobHostServices) {
    this.#context = context;
    this.#init = init;
    this.#job = init.job;
    this.#settings = init.settings;
    this.#services = services;
    this.#outbox = services.outbox;
    this.#processGroups = services.processGroups;
    this.#resume = init.resume ?? null;
    if (init.resume !== undefined) {
      // Taken over from an earlier head: carry on from what it recorded.
      this.#counts = [...init.resume.counts];
      this.#firstError = init.resume.firstError;
      this.#ingested = init.resume.offset;
    }
    const lines = init.job.lines;
    const stderr = lines.stderr;
    this.#classifier = this.#newClassifier();
    this.#limits = effectiveLimits(init.settings.limits, init.job.limits);
    this.#splitters = [
      new LineSplitter((text, raw) => this.#line(Stream.stdout, Severity.INFO, text, raw)),
      new LineSplitter((text, raw) => this.#line(Stream.stderr, stderr, text, raw)),
    ];
    this.#requests = new JobRequests({
      log: (severity, text, ts) => this.#reported(severity, text, ts),
      metric: (name, value) => this.#metric(name, value, Stream.api),
    });
    this.#unsubscribeFlow = this.#outbox.onFlow((paused) => context.send(context.self, { type: 'flow', paused }));
    this.#outputWatch = OutputWatch.for(this.#job.policy.retry);
    if (init.settings.cluster !== undefined) {
      // A cluster job runs on another machine; the endpoint listens on loopback only.
      this.#start();
      return;
    }
    this.#openEndpoint();
  }

  /**
   * Opens the attempt's API endpoint; the attempt starts at `api-open`. Each job has one of its
   * own (Gator's client sends no job id: the port is the identity), and each attempt a new one,
   * since the last attempt's was closed once its connections drained.
   */
  #openEndpoint(): void {
    const send = (message: JobMessage): void => this.#context.send(this.#context.self, message);
    this.#api = this.#services.api.open({
      ready: (port) => send({ type: 'api-open', port, error: null }),
      failed: (reason) => send({ type: 'api-open', port: null, error: reason }),
      request: (token, request) => send({ type: 'api-request', token, request }),
      problem: (text) => send({ type: 'api-problem', text }),
    });
    if (this.#outbox.paused) this.#api.hold(true);
  }

  #newClassifier(): LineClassifier | null {
    const lines = this.#job.lines;
    return classifiesLines(lines) ? new LineClassifier(lines, (name, value) => this.#metric(name, value, this.#lineStream)) : null;
  }

  get command(): string {
    return displayCommand(this.#job.command, this.#job.args);
  }

  /** Starts an attempt (again, after a retry or a shortage of the runner's own resources). */
  #start(): void {
    const port = this.#port;
    const job = this.#job;
    const self = this.#context.self;
    const send = (message: JobMessage): void => this.#context.send(self, message);
    this.#attemptStartedAt = this.#resume?.startedAt ?? now();
    if (this.#attempt === 1) this.#startedAt = this.#attemptStartedAt;
    if (job.policy.mkdir && this.#resume === null) {
      // On a cluster too: its nodes share the run's file system with this head.
      try {
        makeDirectory(job.cwd);
      } catch (error) {
        const reason = error instanceof Error ? error.message.replace(/^[A-Z]+: /, '') : String(error);
        send({ type: 'spawn-failed', code: 'mkdir', message: `cannot create the working directory ${job.cwd}: ${reason}`, shortage: false });
        return;
      }
    }
    const listener: LaunchListener = {
      started: (pid) => send({ type: 'spawned', pid }),
      failed: (code, message, shortage) => send({ type: 'spawn-failed', code, message, shortage }),
      output: (stream, chunk) => send({ type: 'output', stream, chunk }),
      ended: (code, signal, cut) => send({ type: 'closed', code, signal, cut }),
      lost: (reason) => send({ type: 'lost', reason }),
      sample: (sample) => send({ type: 'sample', ...sample }),
      note: (severity, text) => send({ type: 'note', severity, text }),
      ingested: (offset) => send({ type: 'ingested', offset }),
      placed: (clusterId, host) => send({ type: 'placed', clusterId, host }),
      timeLimit: (seconds) => send({ type: 'time-limit', seconds }),
    };
    const cluster = this.#settings.cluster;
    if (cluster === undefined) {
      // As Gator's wrapper does: the endpoint (host:port, no scheme), and Python output
      // unbuffered so its lines (and their severities) arrive as they are printed.
      const env: Record<string, string | undefined> = {
        PYTHONUNBUFFERED: '1',
        ...RUNNER_ENV,
        ...job.env,
        GATOR_PARENT: port === null ? undefined : `127.0.0.1:${port}`,
      };
      if (port === null) delete env['GATOR_PARENT'];
      // On a cluster the job's timeout is its scheduler time limit instead.
      const limit = job.policy.timeout;
      if (limit !== null) this.#timeoutTimer = afterSeconds(limit, () => send({ type: 'timed-out' }));
      this.#process = this.#services.launcher.launch({ command: job.command, args: job.args, cwd: job.cwd, env }, listener);
    } else {
      // The job's own timeout is its Slurm time limit, unless a scheduler: section sets one.
      const timeout = job.policy.timeout === null ? {} : { timeSeconds: job.policy.timeout };
      const options = mergeSchedulerOptions(mergeSchedulerOptions(cluster.defaults, timeout), job.scheduler);
      const leaf = { id: job.id, command: job.command, args: job.args, cwd: job.cwd, env: job.env, resources: resourceRequest(job.resources, options) };
      this.#process = this.#services.clusterLauncher(cluster, this.#settings.grace, this.#settings.interval).launch(leaf, listener, this.#resume);
      this.#remote = this.#process.remote ?? null;
    }
    if (this.#outbox.paused) this.#flow(true);
  }

  #spawned(pid: number): void {
    const job = this.#job;
    this.#pid = pid;
    const remote = this.#remote !== null;
    if (this.#attempt > 1) {
      // A retry: the job started long ago; this attempt's process group is the one to signal.
      this.#outbox.change({ type: 'attempt-started', id: job.id, attempt: this.#attempt, ts: this.#attemptStartedAt, pid: remote ? null : pid });
      if (!remote) this.#watch(pid);
      return;
    }
    // A cluster job's pid is on its node: the run must never signal it as a local process group.
    this.#outbox.change({ type: 'started', id: job.id, ts: this.#startedAt, pid: remote ? null : pid });
    this.#outbox.event({
      type: 'started',
      job: {
        id: job.id,
        path: job.path,
        ts: this.#startedAt,
        pid,
        command: this.command,
        ...(remote ? { remote: true, host: this.#host ?? 'a cluster node' } : {}),
      },
    });
    // A cluster leaf samples its own process tree on its node.
    if (remote) return;
    this.#watch(pid);
  }

  #watch(pid: number): void {
    this.#services.sampler.watch(pid, (sample) => this.#context.send(this.#context.self, { type: 'sample', ...sample }));
    // A stop or a timeout that came before the pid was known reaches the process now.
    if (this.#stopping || this.#timedOut !== null) this.#signal(this.#forced ? 'SIGKILL' : 'SIGTERM', this.#forced ? 'force' : 'stop');
  }

  receive(message: JobMessage): void {
    switch (message.type) {
      case 'spawned':
        this.#spawned(message.pid);
        return;
      case 'output':
        this.#splitters[message.stream].push(message.chunk as Buffer);
        return;
      case 'closed':
        this.#splitters[0].end();
        this.#splitters[1].end();
        if (message.cut) this.#runtimeLine(Severity.WARNING, this.#forced ? FORCED_CUT_LINE : outputCutLine(DRAIN_MS / 1000));
        this.#exited = { code: message.code, signal: message.signal };
        // What the job sent its endpoint just before it exited is still to be read: wait for
        // its connections to close (they do when the process exits), or a little longer.
        if (this.#api === null) this.#finish(message.code, message.signal, null);
        else this.#api.drain(API_DRAIN_SECONDS * 1000, (open) => this.#context.send(this.#context.self, { type: 'api-drained', open }));
        return;
      case 'api-open':
        if (message.port === null) this.#runtimeLine(Severity.WARNING, apiUnavailableLine(message.error ?? 'unknown reason'));
        if (this.#stopping) {
          // Stopped before it started: nothing to run.
          this.#finish(null, null, null);
          return;
        }
        this.#port = message.port;
        this.#start();
        return;
      case 'api-request': {
        const { reply, problem } = this.#requests.apply(message.request);
        if (problem !== null) this.#apiProblem(problem);
        this.#api?.answer(message.token, reply);
        return;
      }
      case 'api-problem':
        this.#apiProblem(message.text);
        return;
      case 'api-drained':
        if (message.open > 0) this.#runtimeLine(Severity.WARNING, apiLeftOpenLine(message.open, API_DRAIN_SECONDS));
        this.#finish(this.#exited?.code ?? null, this.#exited?.signal ?? null, null);
        return;
      case 'spawn-failed':
        if (message.shortage) {
          // The runner's shortage, never the job's fault: it waits, or, when stopping, never ran.
          if (this.#stopping) this.#finish(null, null, null);
          else this.#waitForResources(message.code);
          return;
        }
        this.#runtimeLine(
          Severity.ERROR,
          message.code === 'ESUBMIT' || message.code === 'mkdir'
            ? message.message
            : describeSpawnError(message.code, message.message, this.#job.command, this.#job.cwd),
        );
        this.#finish(null, null, 'spawn');
        return;
      case 'relaunch':
        this.#relaunchTimer = null;
        if (!this.#stopping) this.#start();
        return;
      case 'force-expired':
        if (this.#done) return;
        // SIGKILL was sent and the process is still not reaped (stuck in the kernel, or its
        // launcher is): the run does not wait for it; the run's last sweep kills it again.
        this.#runtimeLine(Severity.WARNING, FORCED_CUT_LINE);
        this.#finish(null, 'SIGKILL', null);
        return;
      case 'lost':
        if (this.#remote !== null) {
          // A cluster job the run itself cancelled is interrupted; one that ended out of our sight is lost.
          this.#runtimeLine(this.#stopping ? Severity.WARNING : Severity.ERROR, this.#stopping ? `stopped: ${message.reason}` : `lost: ${message.reason}`);
          // One its scheduler ended for its time limit is a timeout, whether or not its final report came.
          this.#finish(null, null, this.#stopping || this.#timedOut !== null ? null : 'cluster-lost');
          return;
        }
        this.#runtimeLine(Severity.ERROR, `lost track of the job: ${message.reason}`);
        this.#signal('SIGKILL', 'lost');
        this.#finish(null, null, 'lost');
        return;
      case 'sample':
        this.#sample(message);
        return;
      case 'stop':
        this.#stop(message.force, message.cause);
        return;
      case 'grace-expired':
        // Delivered by the timer, or by hand: either way it is spent.
        this.#graceTimer?.cancel();
        this.#graceTimer = null;
        if (this.#pid !== null) this.#killed = true;
        this.#signal('SIGKILL', 'grace-expired');
        return;
      case 'timed-out':
        this.#timeoutTimer?.cancel();
        this.#timeoutTimer = null;
        this.#timeout();
        return;
      case 'time-limit':
        // On a cluster the job's timeout is the scheduler's time limit: its end is a timeout too.
        if (this.#done || this.#timedOut !== null) return;
        this.#timedOut = { limit: message.seconds };
        this.#runtimeLine(Severity.ERROR, schedulerTimeLimitLine(message.seconds, this.#settings.grace));
        return;
      case 'flow':
        this.#flow(message.paused);
        return;
      case 'note':
        this.#runtimeLine(Severity[message.severity], message.text);
        return;
      case 'ingested':
        this.#recordIngested(message.offset);
        return;
      case 'placed':
        if (message.host !== null) this.#host = message.host;
        this.#outbox.change({ type: 'cluster', id: this.#job.id, clusterId: message.clusterId, host: message.host });
        return;
      default:
        unreachable(message, 'job message');
    }
  }

  #line(stream: 0 | 1, base: SeverityLevel, text: string, raw: Uint8Array | null): void {
    let severity = base;
    if (this.#classifier !== null) {
      // Parsers see every line, blank ones too (they end multi-line messages).
      this.#lineStream = stream;
      severity = this.#classifier.output(stream, text, base);
    }
    // Every line is kept, so that a replay is the job's output. A blank one carries no message:
    // it is INFO whatever its stream, so a stray blank line on stderr fails no job (as in Gator).
    this.#outputWatch?.line(text);
    this.#record(stream, NOT_BLANK.test(text) ? severity : Severity.INFO, text, raw);
  }

  /** A message the job sent through its API: its severity, then the patterns (not the parsers). */
  #reported(severity: SeverityLevel, text: string, stamp: number | null): void {
    const arrived = now();
    const ts = stamp === null || Math.abs(stamp - arrived) < TIMESTAMP_SLACK_S ? arrived : stamp;
    this.#record(Stream.api, this.#classifier === null ? severity : this.#classifier.reported(text, severity), text, null, ts);
  }

  #metric(name: string, value: number, source: StreamCode): void {
    this.#outbox.metric({ jobId: this.#job.id, ts: now(), name, value, source });
  }

  #apiProblem(problem: string): void {
    this.#apiProblems++;
    if (this.#apiProblems <= API_PROBLEMS_SHOWN) this.#runtimeLine(Severity.WARNING, apiProblemLine(problem));
  }

  #runtimeLine(severity: SeverityLevel, text: string): void {
    this.#record(Stream.runtime, severity, text, null);
  }

  #record(stream: StreamCode, severity: SeverityLevel, text: string, raw: Uint8Array | null, ts = now()): void {
    this.#counts[severity / 10 - 1]!++;
    if (severity >= Severity.ERROR && this.#firstError === null) this.#firstError = text.slice(0, FIRST_ERROR_CHARS);
    this.#outbox.message(this.#job.id, ts, severity, stream, text, raw, this.#attempt);
    if (severity >= this.#settings.consoleSeverity) {
      this.#outbox.event({
        type: 'message',
        message: { jobId: this.#job.id, path: this.#job.path, ts, severity: SEVERITY_NAME[severity], stream: STREAM_NAME[stream], text },
      });
    }
  }

  #sample(sample: TreeSample): void {
    this.#cpuPeak = Math.max(this.#cpuPeak ?? 0, sample.cpu);
    this.#rssPeak = Math.max(this.#rssPeak ?? 0, sample.rss);
    this.#outbox.sample({ jobId: this.#job.id, ts: sample.ts, nproc: sample.nproc, cpuPercent: sample.cpu, rssBytes: sample.rss });
    this.#outbox.change({ type: 'progress', id: this.#job.id, counts: [...this.#counts], cpuPeak: this.#cpuPeak, rssPeak: this.#rssPeak });
    const asked = this.#job.resources.memoryBytes;
    if (asked > 0) {
      // Once each time it goes over, not at every sample while it stays there (as Gator).
      if (sample.rss > asked && !this.#overMemory) this.#runtimeLine(Severity.WARNING, overMemoryLine(formatBytes(sample.rss), formatBytes(asked)));
      this.#overMemory = sample.rss > asked;
    }
  }

  /**
   * Records how far the job's spool is ingested, in the same batch as the rows it produced. A
   * line still being assembled is not recorded yet, so the offset stops before its bytes.
   */
  #recordIngested(offset: number): void {
    if (this.#splitters[0].pending > 0 || this.#splitters[1].pending > 0 || offset <= this.#ingested) return;
    this.#ingested = offset;
    this.#outbox.change({ type: 'ingested', id: this.#job.id, offset });
  }

  /** The runner had no file, process or memory to start the job: it waits and tries again. */
  #waitForResources(code: string): void {
    if (this.#shortages === 0) this.#outbox.event({ type: 'notice', key: `shortage ${code}`, text: shortageNotice(code) });
    const delay = RELAUNCH_MS[Math.min(this.#shortages, RELAUNCH_MS.length - 1)]!;
    this.#shortages++;
    this.#relaunchTimer = setTimeout(() => this.#context.send(this.#context.self, { type: 'relaunch' }), delay);
  }

  #stop(force: boolean, cause: StopCause | undefined): void {
    if (this.#done) return;
    // The group's time ran out: this job fails as a timeout, in the group's words.
    if (cause?.kind === 'timeout') this.#timedOut ??= { limit: null };
    if (this.#remote !== null) {
      if (!this.#stopping) {
        this.#stopping = true;
        const how = force ? 'giving up on the cluster job' : "the run's cluster jobs are cancelled";
        this.#runtimeLine(
          cause?.kind === 'timeout' ? Severity.ERROR : Severity.WARNING,
          `${cause === undefined ? 'stopping' : `stopped: ${cause.text}`}: ${how}`,
        );
      }
      this.#remote.stop(force);
      return;
    }
    if (!this.#stopping) {
      this.#stopping = true;
      const how = force ? 'killing the job (SIGKILL)' : `sent SIGTERM, SIGKILL in ${formatLimit(this.#settings.grace)}`;
      if (cause?.kind === 'timeout') this.#runtimeLine(Severity.ERROR, `stopped: ${cause.text}: ${how}`);
      else this.#runtimeLine(Severity.WARNING, `${cause === undefined ? 'stopping' : `stopping: ${cause.text}`}: ${how}`);
    }
    if (this.#relaunchTimer !== null) {
      // Still waiting for resources: it never started, and now it never will.
      clearTimeout(this.#relaunchTimer);
      this.#relaunchTimer = null;
      this.#finish(null, null, null);
      return;
    }
    if (force) {
      this.#forced = true;
      this.#signal('SIGKILL', 'force');
      // Ends at the reap, without waiting for output that processes left behind may hold.
      this.#process?.cut();
      this.#forceTimer ??= setTimeout(() => this.#context.send(this.#context.self, { type: 'force-expired' }), FORCE_END_MS);
      return;
    }
    this.#signal('SIGTERM', 'stop');
    this.#startGrace();
  }

  /** The attempt ran past its own `timeout`. */
  #timeout(): void {
    const limit = this.#job.policy.timeout;
    if (this.#done || this.#timedOut !== null || this.#stopping || limit === null) return;
    this.#timedOut = { limit };
    this.#runtimeLine(Severity.ERROR, timedOutLine(limit, this.#settings.grace));
    this.#signal('SIGTERM', 'timeout');
    this.#startGrace();
  }

  #startGrace(): void {
    this.#graceTimer ??= afterSeconds(this.#settings.grace, () => this.#context.send(this.#context.self, { type: 'grace-expired' }));
  }

  #signal(signal: GroupSignal, reason: SignalReason): void {
    // A cluster job's pid is on its node: it is stopped through the scheduler.
    if (this.#pid !== null && this.#remote === null) this.#processGroups.signal(this.#pid, signal, reason);
  }

  #flow(paused: boolean): void {
    if (paused) this.#process?.pause();
    else this.#process?.resume();
    this.#api?.hold(paused);
  }

  /** Reads cocotb's results file after a job with the cocotb parser; the failure's wording, or null. */
  #testResults(cause: ExitCause): string | null {
    const job = this.#job;
    if (cause !== null || this.#stopping || !job.lines.parsers.includes('cocotb')) return null;
    const file = resultsFileOf({ ...RUNNER_ENV, ...job.env }, job.cwd);
    const { failure, tests } = checkTestResults(file, this.#startedAt * 1000);
    if (tests.length > 0) {
      const count = (outcome: string): number => tests.filter((t) => t.outcome === outcome).length;
      this.#metric('cocotb_tests', tests.length, Stream.runtime);
      this.#metric('cocotb_passed', count('passed'), Stream.runtime);
      this.#metric('cocotb_failed', count('failed'), Stream.runtime);
      this.#metric('cocotb_skipped', count('skipped'), Stream.runtime);
    }
    for (const test of tests) {
      if (test.outcome === 'failed')
        this.#runtimeLine(Severity.ERROR, failedTestLine(test.classname === '' ? test.name : `${test.classname}.${test.name}`, test.message));
    }
    if (failure !== null && tests.length === 0) this.#runtimeLine(Severity.ERROR, failure);
    return failure;
  }

  #finish(exitCode: number | null, signal: NodeJS.Signals | null, cause: ExitCause): void {
    if (this.#done) return;
    const endedAt = now();
    this.#clearTimers();
    // Stopped before it started: it never ran.
    if (this.#startedAt === 0) this.#startedAt = endedAt;
    if (this.#stopping || this.#timedOut !== null) {
      // Whatever the leader left behind in its group must not outlive the run.
      this.#signal('SIGKILL', 'stragglers');
      if (signal !== null && this.#stopping && this.#timedOut === null) this.#runtimeLine(Severity.ERROR, `terminated by ${signal} while the run was stopping`);
    }
    if (this.#timedOut !== null && this.#killed) {
      this.#runtimeLine(Severity.WARNING, `did not end within ${formatLimit(this.#settings.grace)} of SIGTERM: killed (SIGKILL)`);
    }
    if (this.#apiProblems > API_PROBLEMS_SHOWN) this.#runtimeLine(Severity.WARNING, apiProblemsHidden(this.#apiProblems - API_PROBLEMS_SHOWN));
    const testResults = this.#testResults(cause);
    const classifier = this.#classifier;
    const verdict = judge(
      {
        exitCode,
        signal,
        counts: this.#counts,
        spawnFailed: cause === 'spawn',
        lost: cause === 'lost',
        clusterLost: cause === 'cluster-lost',
        timedOut: this.#timedOut !== null,
        interrupted: this.#stopping,
        failMatch: classifier?.failMatch?.line ?? null,
        missingPass: classifier?.missingPass ?? [],
        testResults,
      },
      this.#limits,
    );
    if (verdict.result === Result.failure && verdict.failure === 'signal') this.#runtimeLine(Severity.ERROR, `killed by ${signal}`);
    if (verdict.result === Result.failure && this.#retry(verdict, exitCode, signal, endedAt)) return;
    this.#done = true;
    this.#api?.close();
    reportEnded(
      this.#outbox,
      { ...this.#job, leaves: 1 },
      {
        ts: endedAt,
        result: verdict.result,
        failure: verdict.failure,
        detail: verdict.detail,
        limits: this.#limits,
        duration: endedAt - this.#startedAt,
        jobs: 1,
        exitCode,
        signal,
        counts: [...this.#counts],
        cpuPeak: this.#cpuPeak,
        rssPeak: this.#rssPeak,
        firstError: this.#firstError,
        timeout: this.#timedOut?.limit ?? null,
        flaky: verdict.result === Result.success && this.#attempt > 1,
      },
    );
    this.#context.send(this.#init.reportTo, { type: 'child-ended', id: this.#job.id, result: verdict.result });
    this.#context.stop();
  }

  /** Runs the job again when its retry rules say so; false when this attempt is the last. */
  #retry(verdict: Verdict, exitCode: number | null, signal: NodeJS.Signals | null, endedAt: number): boolean {
    const failure = verdict.failure;
    // A stop is not the job's failure, and a cluster job is not run again from here.
    if (failure === null || this.#stopping || this.#remote !== null) return false;
    const policy = this.#job.policy.retry;
    const rule = retryReason(policy, this.#attempt, { failure, exitCode, outputMatched: this.#outputWatch?.matched ?? false });
    if (rule === undefined) return false;
    const job = this.#job;
    const counts = this.#counts;
    const why = describeFailure({
      failure,
      exitCode,
      signal,
      errors: counts[3],
      warnings: counts[2],
      criticals: counts[4],
      timeout: this.#timedOut?.limit ?? null,
    });
    this.#outbox.change({
      type: 'retried',
      id: job.id,
      attempt: this.#attempt,
      startedAt: this.#attemptStartedAt,
      endedAt,
      result: verdict.result,
      failure,
      exitCode,
      signal,
      pid: this.#pid,
      counts: [...counts],
    });
    this.#runtimeLine(Severity.WARNING, retryLine(this.#attempt, policy.retries + 1, why, describeRule(rule)));
    if (this.#pid !== null) this.#services.sampler.unwatch(this.#pid);
    // The next attempt starts from nothing: its own counts, first error, timeout and output.
    this.#attempt++;
    this.#pid = null;
    this.#process = null;
    this.#counts = [0, 0, 0, 0, 0];
    this.#firstError = null;
    this.#timedOut = null;
    this.#killed = false;
    this.#overMemory = false;
    this.#outputWatch?.reset();
    this.#exited = null;
    // Fail and pass patterns judge each attempt by its own lines.
    this.#classifier = this.#newClassifier();
    if (this.#api === null) this.#start();
    else {
      this.#api.close();
      this.#port = null;
      this.#openEndpoint();
    }
    return true;
  }

  #clearTimers(): void {
    this.#graceTimer?.cancel();
    this.#timeoutTimer?.cancel();
    this.#graceTimer = null;
    this.#timeoutTimer = null;
  }

  stopped(): void {
    if (this.#pid !== null && this.#remote === null) this.#services.sampler.unwatch(this.#pid);
    this.#clearTimers();
    if (this.#forceTimer !== null) clearTimeout(this.#forceTimer);
    if (this.#relaunchTimer !== null) clearTimeout(this.#relaunchTimer);
    this.#unsubscribeFlow();
    this.#api?.close();
    // An actor that failed must not leave its processes running.
    if (!this.#done) this.#signal('SIGKILL', 'actor-failed');
  }
}

export const JobActorType = defineActor<JobInit, JobMessage>('job', (init, context) => new JobActor(context, init, context.local(JOB_HOST_SERVICES)));
