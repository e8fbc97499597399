// The run actor lives on the main thread. It wires a run together (storage, one outbox per job
// host, the resource actor, the root group), relays console events to the observer, keeps the
// tally, forwards stop requests, halts the run at `--max-failures`, and closes the database
// once every host has drained.
import { defineActor, type ActorContext, type Address, type ChildExit } from '../runtime/index.js';
import type { Plan } from '../spec/plan.js';
import { ExitCode, Result, RunResult, Severity, type ResultCode } from '../vocabulary/codes.js';
import { openTally, settleJobs, type MutableTally } from '../vocabulary/tally.js';
import { unreachable } from '../vocabulary/unreachable.js';
import type { NodeEnded, RunEnded, RunObserver } from './events.js';
import { EndOrder } from './end-order.js';
import { GroupActorType } from './group/group-actor.js';
import { JobActorType } from './job/job-actor.js';
import { OutboxActorType } from './outbox-actor.js';
import { ProcessGroups } from './process-groups.js';
import type {
  ConsoleEvent,
  GroupMessage,
  OutboxMessage,
  ProcessGroupChanges,
  RunMessage,
  RunResume,
  RunSettings,
  RunWiring,
  StorageMessage,
  Stop,
} from './protocol.js';
import { StorageActorType } from './storage-actor.js';
import type { Pools } from './resources/admission.js';
import { ResourceActorType } from './resources/resource-actor.js';
import { maxFailuresReason } from '../vocabulary/wording.js';

export interface RunActorInit {
  readonly plan: Plan;
  readonly dbPath: string;
  readonly settings: RunSettings;
  /** The pools jobs are admitted within; `slots` is `-j`. */
  readonly pools: Pools;
  /** `--max-failures`: after this many failed jobs nothing more starts; null: no limit. */
  readonly maxFailures: number | null;
  /** At `--max-failures`: let running jobs finish, or stop them too (`--fail-fast=stop`). */
  readonly onMaxFailures: 'finish' | 'stop';
  readonly storageHost: number;
  readonly jobHosts: readonly number[];
  /** Same-thread only: the run actor is spawned on the main thread with the observer itself. */
  readonly observer: RunObserver;
  readonly onEnd: (end: RunEnded, storageError: string | null) => void;
  /** Test hook: the main thread's process groups (the last-resort sweep). */
  readonly processGroups?: ProcessGroups;
  /** A cluster run taken over from a head that died: what it had decided, and its tally. */
  readonly resume?: { readonly state: RunResume; readonly tally: { readonly passed: number; readonly failed: number; readonly aborted: number } };
}

/**
 * How far the run has started. Job and group actors use their host's services, which the
 * host's outbox actor creates; so the root starts only once every job host's outbox is ready.
 */
type Startup =
  | {
      readonly step: 'awaiting-outboxes';
      /** Job hosts whose outbox has not reported ready yet. */
      readonly waiting: Set<number>;
      /** Held only until the root is spawned: at 100,000 jobs the plan is tens of megabytes. */
      readonly plan: Plan;
    }
  | {
      readonly step: 'root-started';
      readonly root: Address<Stop>;
      /** The root as a group, which takes halts too; null when the spec is a single job. */
      readonly group: Address<GroupMessage> | null;
    };

class RunActor {
  #context: ActorContext<RunMessage>;
  #init: Omit<RunActorInit, 'plan'>;
  #startup: Startup;
  #observer: RunObserver;
  #storage: Address<StorageMessage>;
  #outboxes: Address<OutboxMessage>[] = [];
  #wiring: RunWiring;
  #tally: MutableTally;
  #failedPaths: string[] = [];
  /** Holds a group's end until its last job's end has been shown. */
  #endOrder: EndOrder | null;
  /** Every job's process group the run knows to be alive: the last-resort sweep. */
  #processGroups: ProcessGroups;
  #stopRequested = false;
  readonly #noticed = new Set<string>();
  /** `--max-failures` was reached: the run fails, but it was not interrupted. */
  #halted = false;
  #rootResult: ResultCode | null = null;
  #drained = new Set<number>();
  #storageFailed: string | null = null;
  /** A job thread died: its jobs' outcomes are unknown, so the run cannot pass. */
  #internalFailure = false;
  /** Job hosts whose thread died: storage must not wait for them to drain. */
  #lostHosts = new Set<number>();
  #ended = false;

  constructor(context: ActorContext<RunMessage>, init: RunActorInit) {
    this.#context = context;
    const { plan, ...rest } = init;
    this.#init = rest;
    this.#startup = { step: 'awaiting-outboxes', waiting: new Set(init.jobHosts), plan };
    this.#observer = init.observer;
    this.#processGroups = init.processGroups ?? new ProcessGroups();
    this.#tally = openTally(init.plan.jobCount);
    if (init.resume !== undefined) Object.assign(this.#tally, init.resume.tally);
    // A resumed run does not know which jobs ended before it: it shows ends as they come.
    this.#endOrder = init.resume === undefined ? new EndOrder(init.plan.nodes.length) : null;
    this.#storage = context.spawn(StorageActorType, { dbPath: init.dbPath }, { host: init.storageHost });
    const outbox = {
      run: context.self,
      storage: this.#storage,
      sampleInterval: init.settings.interval,
      debug: init.settings.consoleSeverity <= Severity.DEBUG,
    };
    for (const host of init.jobHosts) this.#outboxes.push(context.spawn(OutboxActorType, outbox, { host }));
    const groupHost = init.jobHosts[0]!;
    const resources = context.spawn(ResourceActorType, { pools: init.pools, maxFailures: init.maxFailures, run: context.self }, { host: groupHost });
    this.#wiring = { run: context.self, storage: this.#storage, resources, jobHosts: init.jobHosts };
  }

  #outboxReady(host: number): void {
    if (this.#startup.step !== 'awaiting-outboxes') return;
    this.#startup.waiting.delete(host);
    if (this.#startup.waiting.size === 0) this.#launchRoot(this.#startup.plan);
  }

  /** Every job host has its outbox: only now may groups and jobs start there. */
  #launchRoot(plan: Plan): void {
    const root = plan.nodes[0]!;
    const host = this.#init.jobHosts[0]!;
    const resume = this.#init.resume?.state;
    const jobResume = resume?.jobs[root.id];
    const common = { reportTo: this.#context.self, settings: this.#init.settings, wiring: this.#wiring };
    // A spec may be a single `!Job`: then it is the whole tree.
    let group: Address<GroupMessage> | null = null;
    let address: Address<Stop>;
    if (root.kind === 'job') {
      address = this.#context.spawn(JobActorType, { job: root, ...common, ...(jobResume === undefined ? {} : { resume: jobResume }) }, { host });
    } else {
      group = this.#context.spawn(GroupActorType, { node: root, subtree: plan.nodes, ...common, ...(resume === undefined ? {} : { resume }) }, { host });
      address = group;
    }
    this.#startup = { step: 'root-started', root: address, group };
    if (this.#stopRequested) this.#context.send(address, { type: 'stop', force: false });
  }

  receive(message: RunMessage): void {
    switch (message.type) {
      case 'events':
        if (message.processGroups !== null) this.#learnProcessGroups(message.processGroups);
        for (const event of message.events) this.#show(event);
        this.#context.send(message.from, { type: 'shown', events: message.events.length });
        return;
      case 'outbox-ready':
        this.#outboxReady(message.host);
        return;
      case 'stop':
        this.#stop(message.force);
        return;
      case 'child-ended':
        this.#rootEnded(message.result);
        return;
      case 'drained':
        this.#drained.add(message.host);
        this.#maybeFinish();
        return;
      case 'storage-finished':
        this.#end(message.error ?? this.#storageFailed);
        return;
      case 'max-failures':
        this.#maxFailures(message.failures);
        return;
      case 'waiting':
        this.#observer.waiting?.(message.waiting);
        return;
      case 'runtime.child-exit':
        this.#childExit(message);
        return;
      default:
        unreachable(message, 'run message');
    }
  }

  #learnProcessGroups(changes: ProcessGroupChanges): void {
    for (const [id, pgid] of changes.started) this.#processGroups.started(id, pgid);
    for (const id of changes.ended) this.#processGroups.ended(id);
  }

  #show(event: ConsoleEvent): void {
    const observer = this.#observer;
    switch (event.type) {
      case 'message':
        observer.message?.(event.message);
        return;
      case 'started':
        observer.jobStarted?.(event.job);
        return;
      case 'ended':
        for (const node of this.#endOrder?.push(event.node) ?? [event.node]) {
          this.#count(node);
          observer.nodeEnded?.(node);
        }
        return;
      case 'debug':
        observer.debug?.(event.text);
        return;
      case 'notice':
        // Every job that meets a shortage says so; the person is told once.
        if (this.#noticed.has(event.key)) return;
        this.#noticed.add(event.key);
        observer.notice?.(event.text);
        return;
      default:
        unreachable(event, 'console event');
    }
  }

  #count(node: NodeEnded): void {
    if (node.jobs === 0) return;
    settleJobs(this.#tally, node.result, node.jobs);
    if (node.result === 'failure') this.#failedPaths.push(node.path);
  }

  #stop(force: boolean): void {
    this.#observer.stopping?.({ force, graceSeconds: this.#init.settings.grace });
    this.#stopRequested = true;
    if (this.#startup.step === 'root-started') this.#context.send(this.#startup.root, { type: 'stop', force });
    if (force) this.#processGroups.sweep();
  }

  /** Nothing more starts; with `--fail-fast=stop` what runs is stopped too. */
  #maxFailures(failures: number): void {
    if (this.#halted || this.#stopRequested) return;
    this.#halted = true;
    const stop = this.#init.onMaxFailures === 'stop';
    this.#observer.failFast?.({ failures, stop });
    if (this.#startup.step !== 'root-started') return;
    const reason = maxFailuresReason(failures);
    const root = this.#startup.root;
    if (stop) this.#context.send(root, { type: 'stop', force: false, cause: { kind: 'fail-fast', text: reason } });
    else if (this.#startup.group !== null) this.#context.send(this.#startup.group, { type: 'halt', reason });
  }

  #rootEnded(result: ResultCode): void {
    this.#rootResult = result;
    for (const outbox of this.#outboxes) this.#context.send(outbox, { type: 'drain' });
    // Threads already lost count as drained; if every thread is, nothing else will call.
    this.#maybeFinish();
  }

  #childExit(exit: ChildExit): void {
    if (exit.error === undefined) return;
    if (exit.child === this.#storage) {
      // Without storage nothing more can be recorded: kill the jobs and end the run now.
      this.#storageFailed = `the run database writer failed: ${exit.error.message}`;
      this.#observer.problem?.(this.#storageFailed);
      this.#stop(true);
      this.#end(this.#storageFailed);
      return;
    }
    if (this.#startup.step === 'root-started' && exit.child === this.#startup.root) {
      this.#internalFailure = true;
      this.#observer.problem?.(`the root group failed: ${exit.error.message}`);
      this.#processGroups.sweep();
      this.#rootEnded(Result.failure);
      return;
    }
    const outbox = this.#outboxes.indexOf(exit.child as Address<OutboxMessage>);
    if (outbox !== -1) {
      // Nothing more will come from that thread: do not wait for it to drain.
      this.#internalFailure = true;
      this.#observer.problem?.(`a job thread failed, its jobs are lost: ${exit.error.message}`);
      const host = this.#init.jobHosts[outbox]!;
      this.#lostHosts.add(host);
      this.#drained.add(host);
      this.#maybeFinish();
    }
  }

  #maybeFinish(): void {
    if (this.#rootResult === null || this.#drained.size < this.#init.jobHosts.length) return;
    const end = this.#summary();
    if (this.#storageFailed !== null) {
      this.#end(this.#storageFailed);
      return;
    }
    this.#context.send(this.#storage, {
      type: 'finish',
      replyTo: this.#context.self,
      hosts: this.#init.jobHosts.filter((host) => !this.#lostHosts.has(host)),
      end: { endedAt: end.ts, result: RunResult[end.result], exitCode: end.exitCode },
    });
  }

  #summary(): RunEnded {
    const interrupted = this.#stopRequested;
    const failed = this.#tally.failed > 0 || this.#rootResult === Result.failure || this.#internalFailure;
    return {
      ts: Date.now() / 1000,
      result: interrupted ? 'interrupted' : failed ? 'failure' : 'success',
      exitCode: this.#internalFailure ? ExitCode.internal : interrupted ? ExitCode.interrupted : failed ? ExitCode.failure : ExitCode.success,
      tally: { ...this.#tally },
      failedPaths: this.#failedPaths,
      dbPath: this.#init.dbPath,
    };
  }

  #end(storageError: string | null): void {
    if (this.#ended) return;
    this.#ended = true;
    // Last line of defence: no job process outlives the run, whatever happened to its actor.
    this.#processGroups.sweep();
    for (const node of this.#endOrder?.drain() ?? []) this.#observer.nodeEnded?.(node);
    const end = this.#summary();
    this.#observer.runEnded?.(end);
    this.#init.onEnd(end, storageError);
    this.#context.stop();
  }
}

export const RunActorType = defineActor<RunActorInit, RunMessage>('run', (init, context) => new RunActor(context, init));
