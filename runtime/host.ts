// A host runs the actors of one thread: it owns their mailboxes, runs them one message at a
// time, routes messages to other hosts in batches, and turns failures into ChildExit messages
// for the failed actor's parent.
import type { MessagePort } from 'node:worker_threads';
import { hostOf, makeAddress, type Address } from './address.js';
import type { ActorCatalog, ActorContext, ActorType, Behavior, ChildExit, HostLocal, SpawnOptions } from './actor.js';
import { MissingHostLocalError, toErrorInfo, UnknownActorKindError, type ErrorInfo } from './errors.js';
import { Queue } from './queue.js';
import type { Batch, Frame } from './wire.js';

/** Messages handled before yielding to I/O, so a busy host never starves its pipes and timers. */
const DRAIN_BUDGET = 20_000;

interface Cell {
  readonly address: Address<never>;
  readonly parent: Address<never> | null;
  readonly mailbox: Queue<unknown>;
  behavior: Behavior<unknown> | null;
  scheduled: boolean;
  stopping: boolean;
}

/** Anything a frame batch can be posted to: a MessagePort or, for the main thread's loopback, a function. */
export type Outlet = Pick<MessagePort, 'postMessage'>;

export class Host {
  readonly index: number;
  readonly hostCount: number;
  #catalog = new Map<string, ActorType<never, never>>();
  #cells = new Map<number, Cell>();
  #runQueue = new Queue<Cell>();
  #outlets: (Outlet | undefined)[] = [];
  #pendingFrames: Frame[][] = [];
  /** child address → parent address, for children spawned by this host's actors (death watch). */
  #watches = new Map<number, Address<never>>();
  #serial = 0;
  #tickScheduled = false;
  #draining = false;
  #onShutdown: () => void;
  /** Values shared by this host's actors, by key (see `HostLocal`). */
  #locals = new Map<HostLocal<unknown>, unknown>();

  constructor(index: number, hostCount: number, catalog: ActorCatalog, onShutdown: () => void) {
    this.index = index;
    this.hostCount = hostCount;
    for (const type of catalog) this.#catalog.set(type.kind, type);
    this.#onShutdown = onShutdown;
    for (let i = 0; i < hostCount; i++) this.#pendingFrames.push([]);
  }

  connect(host: number, outlet: Outlet): void {
    this.#outlets[host] = outlet;
  }

  /** Spawns an actor from outside any actor (the kernel's roots). */
  spawn<I, M>(type: ActorType<I, M>, init: I, options: SpawnOptions & { parent?: Address<ChildExit> | null } = {}): Address<M> {
    return this.#spawn(type, init, options.host ?? this.index, options.parent ?? null);
  }

  send<T>(to: Address<T>, message: T): void {
    const host = hostOf(to);
    if (host === this.index) this.#deliver(to, message);
    else this.#post(host, { type: 'deliver', to: to, message });
  }

  /** Handles a batch that arrived from another host. */
  receive(batch: Batch): void {
    for (const frame of batch) this.#handle(frame);
    this.#schedule();
  }

  /** Tells every local parent whose child lived on a dead host that the child is gone. */
  hostDown(host: number, error: ErrorInfo): void {
    for (const [child, parent] of [...this.#watches]) {
      if (hostOf(child) !== host) continue;
      this.#watches.delete(child);
      this.#deliver(parent, { type: 'runtime.child-exit', child: child as Address<never>, error } satisfies ChildExit);
    }
    this.#outlets[host] = undefined;
    this.#schedule();
  }

  #handle(frame: Frame): void {
    switch (frame.type) {
      case 'deliver':
        this.#deliver(frame.to, frame.message);
        return;
      case 'spawn':
        this.#create(frame.address, frame.kind, frame.init, frame.parent);
        return;
      case 'exit':
        this.#watches.delete(frame.address);
        this.#deliver(frame.parent, {
          type: 'runtime.child-exit',
          child: frame.address,
          ...(frame.error === undefined ? {} : { error: frame.error }),
        } satisfies ChildExit);
        return;
      case 'host-down':
        this.hostDown(frame.host, frame.error);
        return;
      case 'shutdown':
        this.#onShutdown();
        return;
      default: {
        // Exhaustive: a new frame type that is not handled here fails to compile.
        const unknown: never = frame;
        throw new Error(`unknown frame: ${JSON.stringify(unknown)}`);
      }
    }
  }

  #spawn<I, M>(type: ActorType<I, M>, init: I, target: number, parent: Address<never> | null): Address<M> {
    const address = makeAddress<M>(++this.#serial, this.index, target);
    if (parent !== null && hostOf(parent) === this.index) this.#watches.set(address, parent);
    if (target === this.index) this.#create(address, type.kind, init, parent);
    else this.#post(target, { type: 'spawn', address: address, kind: type.kind, init, parent });
    return address;
  }

  #create(address: Address<never>, kind: string, init: unknown, parent: Address<never> | null): void {
    const cell: Cell = { address, parent, mailbox: new Queue(), behavior: null, scheduled: false, stopping: false };
    this.#cells.set(address, cell);
    const type = this.#catalog.get(kind);
    try {
      if (type === undefined) throw new UnknownActorKindError(kind);
      cell.behavior = (type.create as unknown as (init: unknown, context: ActorContext<unknown>) => Behavior<unknown>)(init, this.#contextFor(cell));
    } catch (error) {
      this.#terminate(cell, toErrorInfo(error));
      return;
    }
    if (cell.stopping) this.#terminate(cell);
    else if (cell.mailbox.length > 0) this.#enqueue(cell);
  }

  #contextFor(cell: Cell): ActorContext<unknown> {
    return {
      self: cell.address as Address<unknown>,
      parent: cell.parent as Address<ChildExit> | null,
      host: this.index,
      hostCount: this.hostCount,
      send: (to, message) => this.send(to, message),
      spawn: (type, init, options) => this.#spawn(type, init, options?.host ?? this.index, cell.address),
      stop: () => {
        cell.stopping = true;
        // Stopping from a callback outside `receive` must still take effect.
        if (!cell.scheduled && !this.#draining) this.#enqueue(cell);
      },
      provide: (key, value) => {
        if (value === null) this.#locals.delete(key);
        else this.#locals.set(key, value);
      },
      local: <T>(key: HostLocal<T>): T => {
        if (!this.#locals.has(key)) throw new MissingHostLocalError(key.name, this.index);
        return this.#locals.get(key) as T;
      },
    };
  }

  #deliver(address: Address<never>, message: unknown): void {
    const cell = this.#cells.get(address);
    if (cell === undefined) return; // dead letter: its recipient has stopped
    cell.mailbox.push(message);
    if (cell.behavior !== null) this.#enqueue(cell);
  }

  #enqueue(cell: Cell): void {
    if (cell.scheduled) return;
    cell.scheduled = true;
    this.#runQueue.push(cell);
    this.#schedule();
  }

  #post(host: number, frame: Frame): void {
    const outbox = this.#pendingFrames[host];
    if (outbox === undefined) throw new RangeError(`no host ${host}`);
    outbox.push(frame);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#tickScheduled || this.#draining) return;
    this.#tickScheduled = true;
    queueMicrotask(this.#tick);
  }

  #tick = (): void => {
    this.#tickScheduled = false;
    this.#draining = true;
    let budget = DRAIN_BUDGET;
    try {
      for (let cell = this.#runQueue.shift(); cell !== undefined; cell = this.#runQueue.shift()) {
        cell.scheduled = false;
        budget -= this.#run(cell, budget);
        if (budget <= 0) break;
      }
    } finally {
      this.#draining = false;
    }
    this.#flush();
    if (this.#runQueue.length > 0) {
      // Out of budget: let I/O and timers run before the next slice.
      this.#tickScheduled = true;
      setImmediate(this.#tick);
    }
  };

  /** Runs one actor's queued messages; returns how many it handled. */
  #run(cell: Cell, budget: number): number {
    let handled = 0;
    const behavior = cell.behavior;
    if (behavior === null) return 0;
    while (!cell.stopping && handled < budget) {
      if (cell.mailbox.length === 0) break;
      const message = cell.mailbox.shift();
      handled++;
      try {
        behavior.receive(message);
      } catch (error) {
        this.#terminate(cell, toErrorInfo(error));
        return handled;
      }
    }
    if (cell.stopping) this.#terminate(cell);
    else if (cell.mailbox.length > 0) this.#enqueue(cell);
    return handled;
  }

  #terminate(cell: Cell, error?: ErrorInfo): void {
    if (!this.#cells.delete(cell.address)) return;
    try {
      cell.behavior?.stopped?.();
    } catch {
      // A failing clean-up must not hide the reason the actor stopped.
    }
    cell.behavior = null;
    if (cell.parent === null) {
      if (error !== undefined) this.#orphanFailure(cell.address, error);
      return;
    }
    const frame: Frame = { type: 'exit', address: cell.address, parent: cell.parent, ...(error === undefined ? {} : { error }) };
    if (hostOf(cell.parent) === this.index) this.#handle(frame);
    else this.#post(hostOf(cell.parent), frame);
  }

  /** A root actor failed: nobody supervises it, so make it loud rather than silent. */
  #orphanFailure(address: Address<never>, error: ErrorInfo): void {
    process.emitWarning(`root actor ${address} failed: ${error.message}`, { code: 'GATOR_ACTOR_FAILED', detail: error.stack });
  }

  #flush(): void {
    for (let host = 0; host < this.#pendingFrames.length; host++) {
      const outbox = this.#pendingFrames[host]!;
      if (outbox.length === 0) continue;
      this.#pendingFrames[host] = [];
      this.#outlets[host]?.postMessage(outbox);
    }
  }
}
