// A group or array actor owns its children: it launches each one when its dependencies allow
// (jobs also wait for the resource actor to admit them), prunes those whose dependencies went
// the wrong way as ABORTED, passes stop and halt requests down, stops its subtree when its
// `group_timeout` runs out, and reports its own result upwards once every child is complete.
import { defineActor, type ActorContext, type Address, type ChildExit } from '../../runtime/index.js';
import type { PlannedNode } from '../../spec/plan.js';
import { Result, Severity, type ResultCode } from '../../vocabulary/codes.js';
import { unreachable } from '../../vocabulary/unreachable.js';
import { STOPPING_REASON, groupTimedOut } from '../../vocabulary/wording.js';
import { JOB_HOST_SERVICES, type JobHostServices } from '../job-host-services.js';
import { afterSeconds, type Timer } from '../timers.js';
import { JobActorType } from '../job/job-actor.js';
import { reportAborted, reportCrashed, reportEnded, reportLine, reportNotStarted, type ChildRange } from '../node-outcome.js';
import type { Outbox } from '../outbox-actor.js';
import type { GroupInit, GroupMessage, Halt, JobMessage, RunSettings, RunWiring, Stop } from '../protocol.js';
import { requestOf } from '../resources/pools.js';
import { dependencyVerdict } from './dependencies.js';

type Phase = 'waiting' | 'queued' | 'running' | 'done';

interface Child {
  readonly node: PlannedNode;
  phase: Phase;
  result: ResultCode;
  /** Dependencies not complete yet. */
  pending: number;
  address: Address<Stop> | null;
  /** Set for a group child: where halts go. */
  group: Address<GroupMessage> | null;
  /** When a job asked for its resources. */
  queuedAt: number;
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
  /** Why children that have not started will not: the run stops, a timeout, `--max-failures`. */
  #notStarting: string | null = null;
  #timedOut = false;
  #timer: Timer | null = null;
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
      this.#children.set(id, { node: planned, phase: 'waiting', result: Result.unknown, pending: new Set(deps).size, address: null, group: null, queuedAt: 0 });
      for (const dep of new Set(deps)) {
        const list = this.#dependents.get(dep);
        if (list === undefined) this.#dependents.set(dep, [id]);
        else list.push(id);
      }
    }
    this.#open = this.#children.size;
    if (node.groupTimeout !== null && this.#open > 0) {
      this.#timer = afterSeconds(node.groupTimeout, () => context.send(context.self, { type: 'group-timeout' }));
    }
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
        this.#granted(message.id, message.waitedFor);
        return;
      case 'group-timeout':
        this.#groupTimeout();
        return;
      case 'halt':
        this.#halt(message);
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
    if (this.#notStarting !== null) {
      this.#abort(child, this.#notStarting);
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
      // Its release at the end frees nothing: on a cluster the resource actor gates no job (it still counts failures).
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
      child.queuedAt = now();
      this.#context.send(this.#wiring.resources, { type: 'acquire', from: this.#context.self, id: child.node.id, request: requestOf(child.node.resources) });
    } else {
      this.#launchGroup(child);
    }
  }

  #granted(id: number, waitedFor: string | null): void {
    const child = this.#children.get(id);
    if (child === undefined || child.phase !== 'queued' || child.node.kind !== 'job') {
      this.#context.send(this.#wiring.resources, { type: 'release', id, failed: false });
      return;
    }
    if (this.#notStarting !== null) {
      this.#context.send(this.#wiring.resources, { type: 'release', id, failed: false });
      this.#abort(child, this.#notStarting);
      return;
    }
    const hosts = this.#wiring.jobHosts;
    const host = hosts[this.#nextHost++ % hosts.length]!;
    child.phase = 'running';
    this.#outbox.change({ type: 'launched', id, ts: now(), queuedAt: child.queuedAt, waitedFor });
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
    child.group = address;
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
    if (child.phase === 'running' && child.node.kind === 'job') {
      this.#context.send(this.#wiring.resources, { type: 'release', id, failed: result === Result.failure });
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
      // A stop for a timeout or fail-fast is not the user's: the run is not interrupted by it.
      if (stop.cause === undefined) this.#interrupted = true;
      this.#notStarting ??= stop.cause?.text ?? STOPPING_REASON;
      this.#context.send(this.#wiring.resources, { type: 'cancel', from: this.#context.self });
    }
    for (const child of this.#children.values()) {
      if (child.phase === 'running' && child.address !== null) this.#context.send(child.address, stop);
    }
    this.#abortNotStarted(this.#notStarting ?? STOPPING_REASON);
    this.#maybeFinish();
  }

  /** Nothing more starts under this group; what runs goes on (`--max-failures`). */
  #halt(halt: Halt): void {
    if (this.#notStarting === null) {
      this.#notStarting = halt.reason;
      this.#context.send(this.#wiring.resources, { type: 'cancel', from: this.#context.self });
    }
    for (const child of this.#children.values()) {
      if (child.phase === 'running' && child.group !== null) this.#context.send(child.group, halt);
    }
    this.#abortNotStarted(this.#notStarting ?? halt.reason);
    this.#maybeFinish();
  }

  /** `group_timeout` ran out: stop what runs under the group (as `timeout`), start nothing more. */
  #groupTimeout(): void {
    this.#timer?.cancel();
    this.#timer = null;
    if (this.#open === 0 || this.#open === Number.POSITIVE_INFINITY) return;
    const node = this.#init.node;
    const text = groupTimedOut(node.path, node.groupTimeout ?? 0);
    this.#timedOut = true;
    reportLine(this.#outbox, node, { ts: now(), severity: Severity.ERROR, text: `${text}: stopping what runs, starting nothing more`, show: true });
    this.#stop({ type: 'stop', force: false, cause: { kind: 'timeout', text } });
  }

  /**
   * Aborts every child that has not started, for `reason`: neighbours (children are in id order)
   * make one range and the group says it in one line, so a stop or fail-fast in a 100,000-job
   * array writes a few rows, not one per job.
   */
  #abortNotStarted(reason: string): void {
    const notStarted: ChildRange[] = [];
    for (const child of this.#children.values()) {
      if (child.phase !== 'waiting' && child.phase !== 'queued') continue;
      const last = notStarted.at(-1);
      const jobs = this.#leaves(child.node);
      if (last !== undefined && last.to + 1 === child.node.id)
        notStarted[notStarted.length - 1] = { from: last.from, to: child.node.subtreeEnd, jobs: last.jobs + jobs };
      else notStarted.push({ from: child.node.id, to: child.node.subtreeEnd, jobs });
      child.phase = 'done';
      child.result = Result.aborted;
      this.#open--;
    }
    if (notStarted.length > 0) reportNotStarted(this.#outbox, this.#init.node, notStarted, { ts: now(), reason });
  }

  #abort(child: Child, reason: string): void {
    const showLine = Severity.WARNING >= this.#settings.consoleSeverity && this.#notStarting === null;
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
    const failed = this.#failed || this.#timedOut;
    const halted = this.#interrupted || this.#notStarting !== null;
    const result: ResultCode = failed ? Result.failure : halted ? Result.aborted : Result.success;
    const failure = this.#timedOut ? 'timeout' : this.#failed ? 'child' : null;
    reportEnded(
      this.#outbox,
      { ...node, leaves: this.#leaves(node) },
      { ts, result, failure, duration: ts - this.#startedAt, jobs: 0, timeout: this.#timedOut ? node.groupTimeout : null },
    );
    this.#context.send(this.#init.reportTo, { type: 'child-ended', id: node.id, result });
    this.#open = Number.POSITIVE_INFINITY; // finished: never report twice
    this.#context.stop();
  }

  stopped(): void {
    this.#timer?.cancel();
  }
}

export const GroupActorType = defineActor<GroupInit, GroupMessage>('group', (init, context) => new GroupActor(context, init, context.local(JOB_HOST_SERVICES)));
