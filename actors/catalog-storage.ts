// The storage thread runs one actor: the run database's writer.
import type { ActorCatalog } from '../runtime/index.js';
import { StorageActorType } from './storage-actor.js';

const catalog: ActorCatalog = [StorageActorType] as unknown as ActorCatalog;
export default catalog;
