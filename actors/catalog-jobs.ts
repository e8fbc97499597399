// The actor kinds of a job thread: groups, jobs, the resource actor and the thread's outbox. Kept
// apart from storage so job threads never load SQLite.
import { defineCatalog } from '../runtime/index.js';
import { GroupActorType } from './group/group-actor.js';
import { JobActorType } from './job/job-actor.js';
import { OutboxActorType } from './outbox-actor.js';
import { ResourceActorType } from './resources/resource-actor.js';

export default defineCatalog(OutboxActorType, ResourceActorType, GroupActorType, JobActorType);
