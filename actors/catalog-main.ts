// The main thread runs the run actor, which talks to the observer.
import { defineCatalog } from '../runtime/index.js';
import { RunActorType } from './run-actor.js';

export default defineCatalog(RunActorType);
