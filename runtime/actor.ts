// What an actor is: a behaviour that handles one message at a time, created from plain-data
// init by a factory that every thread can load from the same catalog module.
import type { Address } from './address.js';
import type { ErrorInfo } from './errors.js';

/** Sent by the runtime to a parent when a child it spawned stops, normally or by throwing. */
export interface ChildExit {
  readonly type: 'runtime.child-exit';
  readonly child: Address<never>;
  /** Absent when the child stopped itself; set when it threw or its thread died. */
  readonly error?: ErrorInfo;
}

export interface Behavior<M> {
  receive(message: M): void;
  /** Called once when the actor stops, for releasing what it holds (never for messaging). */
  stopped?(): void;
}

export interface SpawnOptions {
  /** The host (thread) to run on; defaults to the spawner's own host. */
  readonly host?: number;
}

/**
 * The key of a value that every actor of one host shares, such as a thread's services. The
 * runtime only stores it; the type parameter says what the key holds.
 */
export interface HostLocal<T> {
  readonly name: string;
  /** Never set: carries `T` so `local(key)` is typed. */
  readonly __value?: T;
}

export const hostLocal = <T>(name: string): HostLocal<T> => Object.freeze({ name });

export interface ActorContext<M> {
  readonly self: Address<M>;
  readonly parent: Address<ChildExit> | null;
  /** This actor's host index (0 is the main thread). */
  readonly host: number;
  /** Number of hosts, main thread included. */
  readonly hostCount: number;
  send<T>(to: Address<T>, message: T): void;
  spawn<I, T>(type: ActorType<I, T>, init: I, options?: SpawnOptions): Address<T>;
  /** Stops this actor once the current message is handled; its parent gets a ChildExit. */
  stop(): void;
  /** Shares `value` with every actor of this host under `key`; `null` withdraws it. */
  provide<T>(key: HostLocal<T>, value: T | null): void;
  /** What this host shares under `key`; throws `MissingHostLocalError` when nothing is. */
  local<T>(key: HostLocal<T>): T;
}

export interface ActorType<I, M> {
  readonly kind: string;
  readonly create: (init: I, context: ActorContext<M>) => Behavior<M>;
}

/** Declares an actor kind; the returned value is both the spawn handle and the catalog entry. */
export const defineActor = <I, M>(kind: string, create: (init: I, context: ActorContext<M>) => Behavior<M>): ActorType<I, M> => Object.freeze({ kind, create });

/** Every actor kind a run can spawn; each thread imports the same catalog module. */
export type ActorCatalog = readonly ActorType<never, never>[];

/** An actor kind of any init and message types, as a catalog holds it. */
interface AnyActorType {
  readonly kind: string;
  readonly create: (...args: never[]) => unknown;
}

/** A catalog from actor kinds of any init and message types (the one cast a catalog needs). */
export const defineCatalog = (...types: readonly AnyActorType[]): ActorCatalog => Object.freeze(types) as ActorCatalog;
