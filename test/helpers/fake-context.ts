// A fake ActorContext for unit tests of one actor: it records what the actor sends, spawns,
// stops and provides instead of routing it, so a test drives `receive` by hand and reads what
// came out. No threads, no timers of its own.
import type { ActorContext, ActorType, Address, ChildExit, HostLocal, SpawnOptions } from '../../runtime/index.js';
import { MissingHostLocalError } from '../../runtime/index.js';

export interface Sent {
  readonly to: Address<never>;
  readonly message: unknown;
}

export interface Spawned {
  readonly kind: string;
  readonly init: unknown;
  readonly host: number | undefined;
  readonly address: Address<never>;
}

let nextAddress = 1_000;

export class FakeContext<M> implements ActorContext<M> {
  readonly self: Address<M>;
  readonly parent: Address<ChildExit> | null;
  readonly host: number;
  readonly hostCount: number;
  sent: Sent[] = [];
  readonly spawned: Spawned[] = [];
  stopped = false;
  readonly #locals = new Map<HostLocal<unknown>, unknown>();

  constructor(options: { host?: number; hostCount?: number; parent?: Address<ChildExit> | null } = {}) {
    this.host = options.host ?? 2;
    this.hostCount = options.hostCount ?? 4;
    this.self = this.address();
    this.parent = options.parent ?? null;
  }

  /** A fresh address on this context's host. */
  address<T>(host = this.host): Address<T> {
    return nextAddress++ * 256 + host;
  }

  send<T>(to: Address<T>, message: T): void {
    this.sent.push({ to, message });
  }

  spawn<I, T>(type: ActorType<I, T>, init: I, options?: SpawnOptions): Address<T> {
    const address = this.address<T>(options?.host ?? this.host);
    this.spawned.push({ kind: type.kind, init, host: options?.host, address });
    return address;
  }

  stop(): void {
    this.stopped = true;
  }

  provide<T>(key: HostLocal<T>, value: T | null): void {
    if (value === null) this.#locals.delete(key);
    else this.#locals.set(key, value);
  }

  local<T>(key: HostLocal<T>): T {
    if (!this.#locals.has(key)) throw new MissingHostLocalError(key.name, this.host);
    return this.#locals.get(key) as T;
  }

  /** The messages sent to `to`, in order. */
  to<T>(to: Address<T>): T[] {
    return this.sent.filter((sent) => sent.to === to).map((sent) => sent.message as T);
  }

  /** Removes and returns what was sent to this actor itself (callbacks turned into messages). */
  takeOwn(): M[] {
    const own = this.sent.filter((sent) => sent.to === this.self).map((sent) => sent.message as M);
    this.sent = this.sent.filter((sent) => sent.to !== this.self);
    return own;
  }
}
