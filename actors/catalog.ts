// Every actor kind a run spawns. Each worker thread imports this module to know them.
import type { ActorCatalog } from '../runtime/index.js';
import { GroupActorType } from './group-actor.js';
import { JobActorType } from './job-actor.js';
import { OutboxActor } from './outbox-actor.js';
import { RunActorType } from './run-actor.js';
import { StorageActorType } from './storage-actor.js';
import { ThrottleActor } from './throttle-actor.js';

const catalog: ActorCatalog = [RunActorType, StorageActorType, OutboxActor, ThrottleActor, GroupActorType, JobActorType] as unknown as ActorCatalog;
export default catalog;
