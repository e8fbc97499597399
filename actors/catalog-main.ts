// The main thread runs the run actor, which talks to the observer.
import type { ActorCatalog } from '../runtime/index.js';
import { RunActorType } from './run-actor.js';

const catalog: ActorCatalog = [RunActorType] as unknown as ActorCatalog;
export default catalog;
