// A group or array actor owns its children: it launches each one when its dependencies allow
// (jobs also wait for a slot from the throttle), prunes those whose dependencies went the
// wrong way as ABORTED, passes stop requests down, and reports its own result upwards once
// every child is complete.
import { defineActor, type ActorContext, type Address, type ChildExit } from '../../runtime/index.js';
import type { PlannedNode } from '../../spec/plan.js';
import { Result, Severity, type ResultCode } from '../../vocabulary/codes.js';
import { unreachable } from '../../vocabulary/unreachable.js';
import { STOPPING_REASON } from '../../vocabulary/wording.js';
import { JOB_HOST_SERVICES, type JobHostServices } from '../job-host-services.js';
import { JobActorType } from '../job/job-actor.js';
import { reportAborted, reportCrashed, reportEnded, reportNotStarted, type ChildRange } from '../node-outcome.js';
import type { Outbox } from '../outbox-actor.js';
import type { GroupInit, GroupMessage, JobMessage, RunSettings, RunWiring, Stop } from '../protocol.js';
import { dependencyVerdict } from './dependencies.js';

type Phase = 'waiting' | 'queued' | 'running' | 'done';

interface Child {
  readonly node: PlannedNode;
  phase: Phase;
  result: ResultCode;
  /** Dependencies not complete yet. */
  pending: number;
  address: Address<Stop> | null;
}

const now = (): number => Date.now() / 1000;

export class GroupActor {
  #context: ActorContext<GroupMessage>;
  #init: GroupInit;
  #settings: RunSettings;
  #wiring: RunWiring;
  #outbox: Outbox;
  #children = new Map<number, Child>();
  /** Sibling id → ids of the siblings that wait for it. */
  #dependents = new Map<number, number[]>();
  #byAddress = new Map<number, Child>();
  #open: number;
  #failed = false;
  #stopping = false;
  #interrupted = false;
  #startedAt = now();
  #nextHost = 0;

  constructor(context: ActorContext<GroupMessage>, init: GroupInit, services: JobHostServices) {
    this.#context = context;
    this.#init = init;
    this.#settings = init.settings;
    this.#wiring = init.wiring;
    this.#outbox = services.outbox;
    const { node } = init;
    this.#outbox.change({ type: 'started', id: node.id, ts: this.#startedAt, pid: null });
    for (const id of node.children) {
      const planned = this.#planned(id);
      const deps = [...planned.deps.pass, ...planned.deps.fail, ...planned.deps.done];
      this.#children.set(id, { node: planned, phase: 'waiting', result: Result.unknown, pending: new Set(deps).size, address: null });
      for (const dep of new Set(deps)) {
        const list = this.#dependents.get(dep);
        if (list === undefined) this.#dependents.set(dep, [id]);
        else list.push(id);
      }
    }
    this.#open = this.#children.size;
    // Taken over from an earlier head: what completed stays as it was, and its dependents count it.
    const resume = init.resume;
    if (resume !== undefined) {
      for (const child of this.#children.values()) {
        const result = resume.complete[child.node.id];
        if (result === undefined) continue;
        child.phase = 'done';
        child.result = result;
        this.#open--;
        if (result === Result.failure) this.#failed = true;
        for (const id of this.#dependents.get(child.node.id) ?? []) this.#children.get(id)!.pending--;
      }
    }
    for (const child of this.#children.values()) if (child.phase === 'waiting' && child.pending === 0) this.#ready(child);
    this.#maybeFinish();
  }

  #planned(id: number): PlannedNode {
    return this.#init.subtree[id - this.#init.node.id]!;
  }

  receive(message: GroupMessage): void {
    switch (message.type) {
      case 'granted':
        this.#granted(message.id);
        return;
      case 'child-ended':
        this.#ended(message.id, message.result);
        return;
      case 'runtime.child-exit':
        this.#exited(message);
        return;
      case 'stop':
        this.#stop(message);
        return;
      default:
        unreachable(message, 'group message');
    }
  }

  /** All dependencies of `child` are complete: launch it or prune it. */
  #ready(child: Child): void {
    if (this.#stopping) {
      this.#abort(child, STOPPING_REASON);
      return;
    }
    const verdict = dependencyVerdict(
      child.node.deps,
      (id) => this.#children.get(id)!.result,
      (id) => this.#children.get(id)!.node.ident,
    );
    if (verdict !== null) {
      this.#abort(child, verdict);
      return;
    }
    const resumed = this.#init.resume?.jobs[child.node.id];
    if (child.node.kind === 'job' && resumed !== undefined) {
      // Still running on the cluster: take it up where the earlier head left it.
      child.phase = 'running';
      // Its release at the end is harmless: on a cluster the throttle does not gate jobs.
      const host = this.#wiring.jobHosts[this.#nextHost++ % this.#wiring.jobHosts.length]!;
      const address = this.#context.spawn(
        JobActorType,
        { reportTo: this.#context.self, job: child.node, settings: this.#settings, wiring: this.#wiring, resume: resumed },
        { host },
      );
      this.#track(child, address);
      return;
    }
    if (child.node.kind === 'job') {
      child.phase = 'queued';
      this.#context.send(this.#wiring.throttle, { type: 'acquire', from: this.#context.self, id: child.node.id });
    } else {
      this.#launchGroup(child);
    }
  }

  #granted(id: number): void {
    const child = this.#children.get(id);
    if (child === undefined || child.phase !== 'queued' || child.node.kind !== 'job') {
      this.#context.send(this.#wiring.throttle, { type: 'release' });
      return;
    }
    if (this.#stopping) {
      this.#context.send(this.#wiring.throttle, { type: 'release' });
      this.#abort(child, STOPPING_REASON);
      return;
    }
    const hosts = this.#wiring.jobHosts;
    const host = hosts[this.#nextHost++ % hosts.length]!;
    child.phase = 'running';
    this.#outbox.change({ type: 'launched', id, ts: now() });
    const address = this.#context.spawn(
      JobActorType,
      { reportTo: this.#context.self, job: child.node, settings: this.#settings, wiring: this.#wiring },
      { host },
    );
    this.#track(child, address);
  }

  #launchGroup(child: Child): void {
    const node = child.node;
    if (node.kind === 'job') return;
    const base = this.#init.node.id;
    child.phase = 'running';
    this.#outbox.change({ type: 'launched', id: node.id, ts: now() });
    const subtree = this.#init.subtree.slice(node.id - base, node.subtreeEnd - base + 1);
    const address = this.#context.spawn(GroupActorType, {
      reportTo: this.#context.self,
      node,
      subtree,
      settings: this.#settings,
      wiring: this.#wiring,
      ...(this.#init.resume === undefined ? {} : { resume: this.#init.resume }),
    });
    this.#track(child, address);
  }

  #track(child: Child, address: Address<JobMessage> | Address<GroupMessage>): void {
    child.address = address;
    this.#byAddress.set(address, child);
  }

  #ended(id: number, result: ResultCode): void {
    const child = this.#children.get(id);
    if (child === undefined || child.phase === 'done') return;
    if (child.address !== null) this.#byAddress.delete(child.address);
    if (child.phase === 'running') {
      if (child.node.kind === 'job') this.#context.send(this.#wiring.throttle, { type: 'release' });
    }
    this.#complete(child, result);
  }

  /** A child stopped: normal stops were already reported; a crash becomes that child's failure. */
  #exited(exit: ChildExit): void {
    const child = this.#byAddress.get(exit.child);
    if (child === undefined || exit.error === undefined) return;
    const node = child.node;
    reportCrashed(this.#outbox, { ...node, leaves: this.#leaves(node) }, { ts: now(), error: exit.error.message });
    this.#ended(node.id, Result.failure);
  }

  #stop(stop: Stop): void {
    if (!this.#stopping) {
      this.#stopping = true;
      this.#interrupted = true;
      this.#context.send(this.#wiring.throttle, { type: 'cancel', from: this.#context.self });
    }
    const notStarted: ChildRange[] = [];
    for (const child of this.#children.values()) {
      if (child.phase === 'running' && child.address !== null) this.#context.send(child.address, stop);
      else if (child.phase === 'waiting' || child.phase === 'queued') {
        // Children are in id order: neighbours that never started make one range.
        const last = notStarted.at(-1);
        const jobs = this.#leaves(child.node);
        if (last !== undefined && last.to + 1 === child.node.id)
          notStarted[notStarted.length - 1] = { from: last.from, to: child.node.subtreeEnd, jobs: last.jobs + jobs };
        else notStarted.push({ from: child.node.id, to: child.node.subtreeEnd, jobs });
        child.phase = 'done';
        child.result = Result.aborted;
        this.#open--;
      }
    }
    if (notStarted.length > 0) reportNotStarted(this.#outbox, this.#init.node, notStarted, now());
    this.#maybeFinish();
  }

  #abort(child: Child, reason: string): void {
    const showLine = Severity.WARNING >= this.#settings.consoleSeverity && !this.#stopping;
    reportAborted(this.#outbox, child.node, { ts: now(), reason, jobs: this.#leaves(child.node), showLine });
    this.#complete(child, Result.aborted);
  }

  #leaves(node: PlannedNode): number {
    if (node.kind === 'job') return 1;
    let count = 0;
    for (let id = node.id; id <= node.subtreeEnd; id++) if (this.#planned(id).kind === 'job') count++;
    return count;
  }

  #complete(child: Child, result: ResultCode): void {
    child.phase = 'done';
    child.result = result;
    this.#open--;
    if (result === Result.failure) this.#failed = true;
    for (const id of this.#dependents.get(child.node.id) ?? []) {
      const dependent = this.#children.get(id)!;
      if (dependent.phase !== 'waiting') continue;
      if (--dependent.pending === 0) this.#ready(dependent);
    }
    this.#maybeFinish();
  }

  #maybeFinish(): void {
    if (this.#open > 0) return;
    const node = this.#init.node;
    const ts = now();
    const result: ResultCode = this.#failed ? Result.failure : this.#interrupted ? Result.aborted : Result.success;
    reportEnded(
      this.#outbox,
      { ...node, leaves: this.#leaves(node) },
      { ts, result, failure: this.#failed ? 'child' : null, duration: ts - this.#startedAt, jobs: 0 },
    );
    this.#context.send(this.#init.reportTo, { type: 'child-ended', id: node.id, result });
    this.#open = Number.POSITIVE_INFINITY; // finished: never report twice
    this.#context.stop();
  }
}

export const GroupActorType = defineActor<GroupInit, GroupMessage>('group', (init, context) => new GroupActor(context, init, context.local(JOB_HOST_SERVICES)));
