// The plan: the spec expanded into the concrete tree of nodes one run executes.
// Arrays are unrolled, environments overlaid, variables expanded and dependencies resolved
// to sibling ids, so that nothing downstream needs to know the YAML language.
import type { LineRules } from '../parsers/index.js';
import type { NodeKind, RetryRule, SourcePos } from './model.js';
import type { PlannedLimits } from './verdict-rules.js';

export type { PlannedLimits };

/** Resources a job asked for, normalised (memory in bytes). */
export interface PlannedResources {
  readonly cores: number;
  readonly memoryBytes: number;
  readonly licenses: Readonly<Record<string, number>>;
}

/** When and how often a failed attempt is run again. */
export interface RetryPolicy {
  /** Attempts after the first; 0: none. */
  readonly retries: number;
  /** A failed attempt is retried when any rule matches. */
  readonly on: readonly RetryRule[];
}

/** How a job is supervised; one object shared by every job with the same settings. */
export interface JobPolicy {
  /** Seconds from start until the job is stopped as `timeout`; null: no limit. */
  readonly timeout: number | null;
  readonly retry: RetryPolicy;
  /** Create the working directory before starting. */
  readonly mkdir: boolean;
}

/**
 * Where a job's seed appears in what it runs, so that a rerun with new seeds can put a new one
 * in the same places: each string as the pieces between seeds (`["+seed=", ""]`).
 */
export interface SeedTemplate {
  /** The seed was pinned with `seed:`; new seeds leave it alone. */
  readonly pinned?: true;
  /** By argv index (0 is the command). */
  readonly argv?: Readonly<Record<number, readonly string[]>>;
  readonly cwd?: readonly string[];
  /** By variable name, other than GATOR_SEED itself. */
  readonly env?: Readonly<Record<string, readonly string[]>>;
}

/** The run's resource pools as the spec declares them; the command line may override each. */
export interface PlannedPools {
  readonly cores?: number;
  readonly memoryBytes?: number;
  readonly licenses: Readonly<Record<string, number>>;
  readonly pos: SourcePos;
}

export interface PlannedDeps {
  /** Sibling node ids that must all pass. */
  readonly pass: readonly number[];
  /** Sibling node ids that must all not pass. */
  readonly fail: readonly number[];
  /** Sibling node ids that must all be complete, whatever their result. */
  readonly done: readonly number[];
}

interface PlannedNodeBase {
  /** Pre-order index: the root is 0 and a node's subtree is the id range [id, subtreeEnd]. */
  readonly id: number;
  readonly parentId: number | null;
  readonly kind: NodeKind;
  /** The node's name in its parent: the spec ident, `X_i` for array instances, `T<i>` when unnamed. */
  readonly ident: string;
  /** Dotted from the root ident, e.g. `top.counting.echo_count_2`. */
  readonly path: string;
  /** The innermost enclosing array's index (what `GATOR_ARRAY_INDEX` holds), or null outside arrays. */
  readonly arrayIndex: number | null;
  /** Every enclosing array's index, outermost first (`GATOR_ARRAY_INDICES`). */
  readonly arrayIndices: readonly number[];
  /** Last id of this node's subtree, inclusive. */
  readonly subtreeEnd: number;
  readonly deps: PlannedDeps;
  readonly pos: SourcePos;
}

export interface PlannedJob extends PlannedNodeBase {
  readonly kind: 'job';
  /** argv[0] after `$VAR` expansion; executed directly, never through a shell. */
  readonly command: string;
  readonly args: readonly string[];
  /** What the spec adds on top of the OS environment (all levels merged, GATOR_* included). */
  readonly env: Readonly<Record<string, string>>;
  /** Absolute working directory after expansion. */
  readonly cwd: string;
  readonly resources: PlannedResources;
  /** 1 … 2^32-1: derived from the run seed and the path, or pinned (`GATOR_SEED`). */
  readonly seed: number;
  /** Where the seed appears in argv, env and cwd; null when only in GATOR_SEED. */
  readonly seedTemplate: SeedTemplate | null;
  /** Parameter values of the enclosing parameterised arrays, or null. */
  readonly params: Readonly<Record<string, string>> | null;
  readonly policy: JobPolicy;
  /** Scheduler options of the spec's `scheduler:` sections for this job (nearest wins; args add up). */
  readonly scheduler?: {
    readonly partition?: string;
    readonly account?: string;
    readonly qos?: string;
    readonly timeSeconds?: number;
    readonly extraArgs?: readonly string[];
  };
  /** How its lines are classified: parsers, patterns, stderr severity (inherited, merged). */
  readonly lines: LineRules;
  /** Message limits its spec sets; the others are the run's defaults. */
  readonly limits: PlannedLimits;
}

export interface PlannedGroup extends PlannedNodeBase {
  readonly kind: 'group' | 'array';
  /** Direct children ids in launch (spec) order. */
  readonly children: readonly number[];
  /** Seconds from the group's start until everything under it is stopped; null: no limit. */
  readonly groupTimeout: number | null;
}

export type PlannedNode = PlannedJob | PlannedGroup;

/** A problem that does not stop the run; each is said once per spec location, before the run. */
export interface SpecWarning {
  readonly pos: SourcePos;
  readonly message: string;
}

export interface Plan {
  /** Absolute path of the spec file. */
  readonly specPath: string;
  /** Indexed by id; nodes[0] is the root. */
  readonly nodes: readonly PlannedNode[];
  /** Number of leaf jobs. */
  readonly jobCount: number;
  /** The seed every job's seed derives from (`--seed`). */
  readonly runSeed: number;
  /** Pools declared by the spec (`pools:` on the top-level node), or null. */
  readonly pools: PlannedPools | null;
  /** In document order; absent when there are none (and in plans not built from a spec). */
  readonly warnings?: readonly SpecWarning[];
}
