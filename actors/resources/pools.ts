// The run's resource pools and each job's request, settled before anything starts: command
// line over the spec's `pools:` over the machine's defaults; and the check that refuses a run
// in which some job could never start.
import type { Plan, PlannedPools, PlannedResources, SourcePos } from '../../spec/index.js';
import { formatBytes } from '../../vocabulary/wording.js';
import { impossibleRequest, type Pools, type ResourceRequest } from './admission.js';

/** The pools given on the command line; absent ones come from the spec or the machine. */
export interface PoolFlags {
  readonly cores?: number;
  readonly memoryBytes?: number;
  /** `--license NAME=COUNT`, repeatable. */
  readonly licenses: Readonly<Record<string, number>>;
}

export interface Machine {
  readonly cpus: number;
  readonly totalMemoryBytes: number;
}

/** Share of the machine's RAM the memory pool gets by default: the rest is the system's. */
export const DEFAULT_MEMORY_SHARE = 0.9;

export function resolvePools(slots: number, flags: PoolFlags, spec: PlannedPools | null, machine: Machine): Pools {
  // Jobs that ask for nothing take one core each, so by default `-j` above the CPU count still
  // means what it says.
  const cores = flags.cores ?? spec?.cores ?? Math.max(machine.cpus, slots);
  const memoryBytes = flags.memoryBytes ?? spec?.memoryBytes ?? Math.floor(machine.totalMemoryBytes * DEFAULT_MEMORY_SHARE);
  const declared = { ...(spec?.licenses ?? {}), ...flags.licenses };
  return { slots, cores, memoryBytes, licenses: Object.keys(declared).length === 0 ? null : declared };
}

const requests = new WeakMap<PlannedResources, ResourceRequest>();

/** What a job holds while it runs: a job takes one core unless it asks for more. */
export function requestOf(resources: PlannedResources): ResourceRequest {
  let r = requests.get(resources);
  if (r === undefined) {
    r = Object.freeze({ cores: Math.max(1, resources.cores), memoryBytes: resources.memoryBytes, licenses: resources.licenses });
    requests.set(resources, r);
  }
  return r;
}

export interface ImpossibleJob {
  readonly path: string;
  readonly pos: SourcePos;
  /** One sentence naming the job, what it asks for and what the run has. */
  readonly problem: string;
}

/** The first job (in plan order) that asks for more than a whole pool, if any. */
export function findImpossible(plan: Plan, pools: Pools): ImpossibleJob | undefined {
  const checked = new Set<PlannedResources>();
  for (const node of plan.nodes) {
    if (node.kind !== 'job' || checked.has(node.resources)) continue;
    const short = impossibleRequest(pools, requestOf(node.resources));
    if (short === undefined) {
      checked.add(node.resources);
      continue;
    }
    const job = `job '${node.path}'`;
    let problem: string;
    if (short.pool === 'cores') problem = `${job} asks for ${short.wants} cores, but the run has ${short.has} (--cores)`;
    else if (short.pool === 'memory')
      problem = `${job} asks for ${formatBytes(short.wants)} of memory, but the run has ${formatBytes(short.has ?? 0)} (--memory)`;
    else {
      const name = short.pool.slice('license:'.length);
      const declared = Object.entries(pools.licenses ?? {})
        .map(([n, c]) => `${n}=${c}`)
        .join(', ');
      problem =
        short.has === null
          ? `${job} asks for licence '${name}', which the run does not have (it has ${declared}; add --license ${name}=N or pools.licenses in the spec)`
          : `${job} asks for ${short.wants} of licence '${name}', but the run has ${short.has} (--license ${name}=N)`;
    }
    return { path: node.path, pos: node.pos, problem };
  }
  return undefined;
}
