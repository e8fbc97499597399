// The storage thread runs one actor: the run database's writer.
import { defineCatalog } from '../runtime/index.js';
import { StorageActorType } from './storage-actor.js';

export default defineCatalog(StorageActorType);
