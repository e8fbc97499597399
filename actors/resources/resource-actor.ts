// The resource actor admits the run's jobs to this machine: groups ask for each job they want to
// launch with what it needs (a slot of `-j`, cores, memory, licences), and get a grant when it
// fits alongside what runs, by the policy in admission.ts. It also counts failed jobs for
// `--max-failures`, after which it admits nothing more, and tells the run what the jobs that
// wait are waiting for. It gates local jobs only: a back-end that runs jobs on a cluster
// leaves admission to the cluster's scheduler and does not ask here.
import { defineActor, type ActorContext, type Address } from '../../runtime/index.js';
import { unreachable } from '../../vocabulary/unreachable.js';
import type { Waiting } from '../events.js';
import type { GroupMessage, ResourceMessage, RunMessage } from '../protocol.js';
import { Admission, type Pools } from './admission.js';

export interface ResourceInit {
  readonly pools: Pools;
  /** Admit nothing more once this many jobs have failed; null: no limit. */
  readonly maxFailures: number | null;
  readonly run: Address<RunMessage>;
}

/** The live view hears what jobs wait for at most this often. */
const WAITING_REPORT_MS = 250;

export class ResourceActor {
  readonly #context: ActorContext<ResourceMessage>;
  readonly #init: ResourceInit;
  readonly #admission: Admission<number>;
  /** The group of each waiting job, to grant it and to cancel a stopping group's requests. */
  readonly #owners = new Map<number, Address<GroupMessage>>();
  #failures = 0;
  #halted = false;
  #reportTimer: NodeJS.Timeout | null = null;
  #lastReport = '';

  constructor(context: ActorContext<ResourceMessage>, init: ResourceInit) {
    this.#context = context;
    this.#init = init;
    this.#admission = new Admission(init.pools);
  }

  receive(message: ResourceMessage): void {
    switch (message.type) {
      case 'acquire':
        this.#owners.set(message.id, message.from);
        this.#admission.enqueue(message.id, message.request);
        break;
      case 'release':
        this.#admission.release(message.id);
        if (message.failed) this.#failed();
        break;
      case 'cancel': {
        const from = message.from;
        for (const id of this.#admission.cancel((key) => this.#owners.get(key) === from)) this.#owners.delete(id);
        break;
      }
      case 'tick':
        this.#reportTimer = null;
        this.#reportWaiting();
        return;
      default:
        unreachable(message, 'resource message');
    }
    this.#grant();
    // unref: a pending report must not keep the thread alive when the run shuts down.
    this.#reportTimer ??= setTimeout(() => this.#context.send(this.#context.self, { type: 'tick' }), WAITING_REPORT_MS).unref();
  }

  #failed(): void {
    this.#failures++;
    const limit = this.#init.maxFailures;
    if (this.#halted || limit === null || this.#failures < limit) return;
    // From this moment nothing more starts; the run tells the groups to abort what waits.
    this.#halted = true;
    this.#context.send(this.#init.run, { type: 'max-failures', failures: this.#failures });
  }

  #grant(): void {
    if (this.#halted) return;
    for (const { key, waitedFor } of this.#admission.admit()) {
      const owner = this.#owners.get(key);
      this.#owners.delete(key);
      if (owner === undefined) {
        this.#admission.release(key);
        continue;
      }
      this.#context.send(owner, { type: 'granted', id: key, waitedFor });
    }
  }

  #reportWaiting(): void {
    const byPool = [...this.#admission.blockedBy()].sort((a, b) => b[1] - a[1]);
    const waiting: Waiting = { total: this.#halted ? 0 : this.#admission.waiting, byPool: this.#halted ? [] : byPool };
    const key = JSON.stringify(waiting);
    if (key === this.#lastReport) return;
    this.#lastReport = key;
    this.#context.send(this.#init.run, { type: 'waiting', waiting });
  }

  stopped(): void {
    if (this.#reportTimer !== null) clearTimeout(this.#reportTimer);
  }
}

export const ResourceActorType = defineActor<ResourceInit, ResourceMessage>('resources', (init, context) => new ResourceActor(context, init));
