// The plan: the spec expanded into the concrete tree of nodes one run executes.
// Arrays are unrolled, environments overlaid, variables expanded and dependencies resolved
// to sibling ids, so that nothing downstream needs to know the YAML language.
import type { NodeKind, SourcePos } from './model.js';

/** Resources a job asked for, normalised (memory in bytes). */
export interface PlannedResources {
  readonly cores: number;
  readonly memoryBytes: number;
  readonly licenses: Readonly<Record<string, number>>;
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
}

export interface PlannedGroup extends PlannedNodeBase {
  readonly kind: 'group' | 'array';
  /** Direct children ids in launch (spec) order. */
  readonly children: readonly number[];
}

export type PlannedNode = PlannedJob | PlannedGroup;

export interface Plan {
  /** Absolute path of the spec file. */
  readonly specPath: string;
  /** Indexed by id; nodes[0] is the root. */
  readonly nodes: readonly PlannedNode[];
  /** Number of leaf jobs. */
  readonly jobCount: number;
}
