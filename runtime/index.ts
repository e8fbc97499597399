export { type Address, hostOf, MAX_HOSTS } from './address.js';
export { defineActor, type ActorCatalog, type ActorContext, type ActorType, type Behavior, type ChildExit, type SpawnOptions } from './actor.js';
export { HostCrashError, UnknownActorKindError, toErrorInfo, type ErrorInfo } from './errors.js';
export { Host } from './host.js';
export { Kernel, type KernelOptions } from './kernel.js';
export { Queue } from './queue.js';
