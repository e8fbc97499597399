// The run actor lives on the main thread. It wires a run together (storage, one outbox per job
// host, the throttle, the root group), relays console events to the observer, keeps the
// tally, forwards stop requests, and closes the database once every host has drained.
import { defineActor, type ActorContext, type Address, type ChildExit } from '../runtime/index.js';
import type { Plan } from '../spec/plan.js';
import { Result, type ResultCode } from '../storage/schema.js';
import type { NodeEnded, RunEnded, RunObserver } from './events.js';
import { GroupActorType } from './group-actor.js';
import { JobActorType } from './job-actor.js';
import { OutboxActor } from './outbox-actor.js';
import type { ConsoleEvent, OutboxMessage, RunMessage, RunSettings, RunWiring, StorageMessage, Stop } from './protocol.js';
import { StorageActorType } from './storage-actor.js';
import { ThrottleActor } from './throttle-actor.js';

export interface RunActorInit {
  readonly plan: Plan;
  readonly dbPath: string;
  readonly settings: RunSettings;
  readonly slots: number;
  readonly storageHost: number;
  readonly jobHosts: readonly number[];
  /** Same-thread only: the run actor is spawned on the main thread with the observer itself. */
  readonly observer: RunObserver;
  readonly onEnd: (end: RunEnded, storageError: string | null) => void;
}

class RunActor {
  #context: ActorContext<RunMessage>;
  #init: Omit<RunActorInit, 'plan'>;
  /** Held only until the root is spawned: at 100,000 jobs the plan is tens of megabytes. */
  #plan: Plan | null;
  #observer: RunObserver;
  #storage: Address<StorageMessage>;
  #outboxes: Address<OutboxMessage>[] = [];
  #root: Address<Stop> | null = null;
  #wiring: RunWiring;
  #ready = 0;
  #tally = { total: 0, passed: 0, failed: 0, aborted: 0 };
  #failedPaths: string[] = [];
  #livePids = new Map<number, number>();
  #stopRequested = false;
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
    this.#plan = plan;
    this.#observer = init.observer;
    this.#tally.total = init.plan.jobCount;
    this.#storage = context.spawn(StorageActorType, { dbPath: init.dbPath }, { host: init.storageHost });
    for (const host of init.jobHosts) {
      this.#outboxes.push(context.spawn(OutboxActor, { run: context.self, storage: this.#storage }, { host }));
    }
    const groupHost = init.jobHosts[0]!;
    const throttle = context.spawn(ThrottleActor, { slots: init.slots }, { host: groupHost });
    this.#wiring = { run: context.self, storage: this.#storage, throttle, jobHosts: init.jobHosts };
  }

  /** Every job host has its outbox: only now may groups and jobs start there. */
  #launchRoot(): void {
    const plan = this.#plan!;
    this.#plan = null;
    const root = plan.nodes[0]!;
    const host = this.#init.jobHosts[0]!;
    const common = { settings: this.#init.settings, wiring: this.#wiring };
    // A spec may be a single `!Job`: then it is the whole tree.
    this.#root =
      root.kind === 'job'
        ? this.#context.spawn(JobActorType, { job: root, ...common }, { host })
        : this.#context.spawn(GroupActorType, { node: root, subtree: plan.nodes, ...common }, { host });
    if (this.#stopRequested) this.#context.send(this.#root, { type: 'stop', force: false });
  }

  receive(message: RunMessage): void {
    switch (message.type) {
      case 'events':
        for (const event of message.events) this.#show(event);
        this.#context.send(message.from, { type: 'shown', events: message.events.length });
        return;
      case 'outbox-ready':
        if (++this.#ready === this.#init.jobHosts.length) this.#launchRoot();
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
      case 'runtime.child-exit':
        this.#childExit(message);
        return;
    }
  }

  #show(event: ConsoleEvent): void {
    const observer = this.#observer;
    switch (event.e) {
      case 'message':
        observer.message?.(event.message);
        return;
      case 'started':
        this.#livePids.set(event.job.id, event.job.pid);
        observer.jobStarted?.(event.job);
        return;
      case 'ended':
        this.#count(event.node);
        observer.nodeEnded?.(event.node);
        return;
    }
  }

  #count(node: NodeEnded): void {
    this.#livePids.delete(node.id);
    if (node.kind !== 'job' && node.result !== 'aborted') return;
    if (node.result === 'success') this.#tally.passed += node.jobs;
    else if (node.result === 'failure') {
      this.#tally.failed += node.jobs;
      this.#failedPaths.push(node.path);
    } else if (node.result === 'aborted') this.#tally.aborted += node.jobs;
  }

  #stop(force: boolean): void {
    this.#observer.stopping?.({ force, graceSeconds: this.#init.settings.grace });
    this.#stopRequested = true;
    if (this.#root !== null) this.#context.send(this.#root, { type: 'stop', force });
    if (force) this.#killLeftovers();
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
    if (exit.child === this.#root) {
      this.#internalFailure = true;
      this.#observer.problem?.(`the root group failed: ${exit.error.message}`);
      this.#killLeftovers();
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
      end: { endedAt: end.ts, result: end.result === 'success' ? 1 : end.result === 'failure' ? 2 : 3, exitCode: end.exitCode },
    });
  }

  #summary(): RunEnded {
    const interrupted = this.#stopRequested;
    const failed = this.#tally.failed > 0 || this.#rootResult === Result.failure || this.#internalFailure;
    return {
      ts: Date.now() / 1000,
      result: interrupted ? 'interrupted' : failed ? 'failure' : 'success',
      exitCode: this.#internalFailure ? 3 : interrupted ? 130 : failed ? 1 : 0,
      tally: { ...this.#tally },
      failedPaths: this.#failedPaths,
      dbPath: this.#init.dbPath,
    };
  }

  #end(storageError: string | null): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#killLeftovers();
    const end = this.#summary();
    this.#observer.runEnded?.(end);
    this.#init.onEnd(end, storageError);
    this.#context.stop();
  }

  /** Last line of defence: no job process outlives the run, whatever happened to its actor. */
  #killLeftovers(): void {
    for (const pid of this.#livePids.values()) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}

export const RunActorType = defineActor<RunActorInit, RunMessage>('run', (init, context) => new RunActor(context, init));
