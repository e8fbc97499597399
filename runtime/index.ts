export { type Address, hostOf, MAX_HOSTS } from './address.js';
export {
  defineActor,
  defineCatalog,
  hostLocal,
  type ActorCatalog,
  type ActorContext,
  type ActorType,
  type Behavior,
  type ChildExit,
  type HostLocal,
  type SpawnOptions,
} from './actor.js';
export { HostCrashError, MissingHostLocalError, UnknownActorKindError, toErrorInfo, type ErrorInfo } from './errors.js';
export { Host } from './host.js';
export { Kernel, type KernelOptions } from './kernel.js';
export { Queue } from './queue.js';
