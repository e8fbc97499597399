// The actor kinds of a job thread: groups, jobs, the throttle and the thread's outbox. Kept
// apart from storage so job threads never load SQLite.
import type { ActorCatalog } from '../runtime/index.js';
import { GroupActorType } from './group-actor.js';
import { JobActorType } from './job-actor.js';
import { OutboxActor } from './outbox-actor.js';
import { ThrottleActor } from './throttle-actor.js';

const catalog: ActorCatalog = [OutboxActor, ThrottleActor, GroupActorType, JobActorType] as unknown as ActorCatalog;
export default catalog;
