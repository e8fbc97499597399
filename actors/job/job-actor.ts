// A job actor supervises one child process: it starts it directly (no shell) in its own
// process group with stdin closed, turns stdout and stderr into INFO and ERROR lines, samples
// its process tree, stops it on request (SIGTERM, then SIGKILL after the grace period), and
// reports pass or fail to its group.
import { defineActor, type ActorContext } from '../../runtime/index.js';
import type { PlannedJob } from '../../spec/plan.js';
import { Result, SEVERITY_NAME, Severity, STREAM_NAME, Stream, type SeverityLevel, type StreamCode } from '../../vocabulary/codes.js';
import { unreachable } from '../../vocabulary/unreachable.js';
import { displayCommand } from '../../vocabulary/wording.js';
import { JOB_HOST_SERVICES, type JobHostServices } from '../job-host-services.js';
import { reportEnded } from '../node-outcome.js';
import type { Outbox } from '../outbox-actor.js';
import type { GroupSignal, ProcessGroups, SignalReason } from '../process-groups.js';
import type { JobInit, JobMessage, RunSettings } from '../protocol.js';
import type { Launched } from './launch/launcher.js';
import { LineSplitter } from './line-splitter.js';
import type { TreeSample } from './sampler.js';
import { describeSpawnError } from './spawn-error.js';
import { judge } from './verdict.js';
/** Only this much of a first error line travels to the console. */
const FIRST_ERROR_CHARS = 1000;

const now = (): number => Date.now() / 1000;
/** A plain copy: spreading `process.env` itself calls getenv for every variable, every job. */
const RUNNER_ENV: Readonly<Record<string, string | undefined>> = { ...process.env };
/** Tests for content without copying the line, as `trim()` would for every line. */
const NOT_BLANK = /\S/;

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
  #startedAt = 0;
  #counts: [number, number, number, number, number] = [0, 0, 0, 0, 0];
  #firstError: string | null = null;
  #cpuPeak: number | null = null;
  #rssPeak: number | null = null;
  #splitters: [LineSplitter, LineSplitter];
  #stopping = false;
  #forced = false;
  #graceTimer: NodeJS.Timeout | null = null;
  #unsubscribeFlow: () => void;
  #done = false;

  constructor(context: ActorContext<JobMessage>, init: JobInit, services: JobHostServices) {
    this.#context = context;
    this.#init = init;
    this.#job = init.job;
    this.#settings = init.settings;
    this.#services = services;
    this.#outbox = services.outbox;
    this.#processGroups = services.processGroups;
    this.#splitters = [
      new LineSplitter((text, raw) => this.#line(Stream.stdout, Severity.INFO, text, raw)),
      new LineSplitter((text, raw) => this.#line(Stream.stderr, Severity.ERROR, text, raw)),
    ];
    this.#unsubscribeFlow = this.#outbox.onFlow((paused) => context.send(context.self, { type: 'flow', paused }));
    this.#start();
  }

  get command(): string {
    return displayCommand(this.#job.command, this.#job.args);
  }

  #start(): void {
    const job = this.#job;
    const self = this.#context.self;
    const send = (message: JobMessage): void => this.#context.send(self, message);
    this.#startedAt = now();
    this.#process = this.#services.launcher.launch(
      { command: job.command, args: job.args, cwd: job.cwd, env: { ...RUNNER_ENV, ...job.env } },
      {
        started: (pid) => send({ type: 'spawned', pid }),
        failed: (code, message) => send({ type: 'spawn-failed', code, message }),
        output: (stream, chunk) => send({ type: 'output', stream, chunk }),
        ended: (code, signal) => send({ type: 'closed', code, signal }),
        lost: (reason) => send({ type: 'lost', reason }),
      },
    );
    if (this.#outbox.paused) this.#flow(true);
  }

  #spawned(pid: number): void {
    const job = this.#job;
    this.#pid = pid;
    this.#outbox.change({ type: 'started', id: job.id, ts: this.#startedAt, pid });
    this.#outbox.event({ type: 'started', job: { id: job.id, path: job.path, ts: this.#startedAt, pid, command: this.command } });
    this.#services.sampler.watch(pid, (sample) => this.#context.send(this.#context.self, { type: 'sample', ...sample }));
    // A stop that came before the pid was known reaches the process now.
    if (this.#stopping) this.#signal(this.#forced ? 'SIGKILL' : 'SIGTERM', this.#forced ? 'force' : 'stop');
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
        this.#finish(message.code, message.signal, null);
        return;
      case 'spawn-failed':
        this.#runtimeLine(Severity.ERROR, describeSpawnError(message.code, message.message, this.#job.command, this.#job.cwd));
        this.#finish(null, null, 'spawn');
        return;
      case 'lost':
        this.#runtimeLine(Severity.ERROR, `lost track of the job: ${message.reason}`);
        this.#signal('SIGKILL', 'lost');
        this.#finish(null, null, 'lost');
        return;
      case 'sample':
        this.#sample(message);
        return;
      case 'stop':
        this.#stop(message.force);
        return;
      case 'grace-expired':
        this.#signal('SIGKILL', 'grace-expired');
        return;
      case 'flow':
        this.#flow(message.paused);
        return;
      default:
        unreachable(message, 'job message');
    }
  }

  #line(stream: StreamCode, severity: SeverityLevel, text: string, raw: Uint8Array | null): void {
    // Blank lines carry nothing and would count a stray stderr newline as an error (as Gator).
    if (!NOT_BLANK.test(text)) return;
    this.#record(stream, severity, text, raw);
  }

  #runtimeLine(severity: SeverityLevel, text: string): void {
    this.#record(Stream.runtime, severity, text, null);
  }

  #record(stream: StreamCode, severity: SeverityLevel, text: string, raw: Uint8Array | null): void {
    const ts = now();
    this.#counts[severity / 10 - 1]!++;
    if (severity >= Severity.ERROR && this.#firstError === null) this.#firstError = text.slice(0, FIRST_ERROR_CHARS);
    this.#outbox.message(this.#job.id, ts, severity, stream, text, raw);
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
  }

  #stop(force: boolean): void {
    if (this.#done) return;
    if (!this.#stopping) {
      this.#stopping = true;
      this.#runtimeLine(Severity.WARNING, force ? 'stopping: killing the job (SIGKILL)' : `stopping: sent SIGTERM, SIGKILL in ${this.#settings.grace} s`);
    }
    if (force) {
      this.#forced = true;
      this.#signal('SIGKILL', 'force');
      return;
    }
    this.#signal('SIGTERM', 'stop');
    this.#graceTimer ??= setTimeout(() => this.#context.send(this.#context.self, { type: 'grace-expired' }), this.#settings.grace * 1000);
  }

  #signal(signal: GroupSignal, reason: SignalReason): void {
    if (this.#pid !== null) this.#processGroups.signal(this.#pid, signal, reason);
  }

  #flow(paused: boolean): void {
    if (paused) this.#process?.pause();
    else this.#process?.resume();
  }

  #finish(exitCode: number | null, signal: NodeJS.Signals | null, cause: 'spawn' | 'lost' | null): void {
    if (this.#done) return;
    this.#done = true;
    const endedAt = now();
    if (this.#stopping) {
      // Whatever the leader left behind in its group must not outlive the run.
      this.#signal('SIGKILL', 'stragglers');
      if (signal !== null) this.#runtimeLine(Severity.ERROR, `terminated by ${signal} while the run was stopping`);
    }
    const verdict = judge(
      { exitCode, signal, counts: this.#counts, spawnFailed: cause === 'spawn', lost: cause === 'lost', interrupted: this.#stopping },
      this.#settings.limits,
    );
    if (verdict.result === Result.failure && verdict.failure === 'signal') this.#runtimeLine(Severity.ERROR, `killed by ${signal}`);
    reportEnded(this.#outbox, this.#job, {
      ts: endedAt,
      result: verdict.result,
      failure: verdict.failure,
      duration: endedAt - this.#startedAt,
      jobs: 1,
      exitCode,
      signal,
      counts: [...this.#counts],
      cpuPeak: this.#cpuPeak,
      rssPeak: this.#rssPeak,
      firstError: this.#firstError,
    });
    this.#context.send(this.#init.reportTo, { type: 'child-ended', id: this.#job.id, result: verdict.result });
    this.#context.stop();
  }

  stopped(): void {
    if (this.#pid !== null) this.#services.sampler.unwatch(this.#pid);
    if (this.#graceTimer !== null) clearTimeout(this.#graceTimer);
    this.#unsubscribeFlow();
    // An actor that failed must not leave its processes running.
    if (!this.#done) this.#signal('SIGKILL', 'actor-failed');
  }
}

export const JobActorType = defineActor<JobInit, JobMessage>('job', (init, context) => new JobActor(context, init, context.local(JOB_HOST_SERVICES)));
