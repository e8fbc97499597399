// The spec as written: Gator's YAML tags turned into plain typed data, each node keeping
// where it came from so that every later error can name the file, line and column.

export interface SourcePos {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
}

export type ResourceSpec =
  | { readonly kind: 'cores'; readonly count: number; readonly pos: SourcePos }
  | { readonly kind: 'memory'; readonly bytes: number; readonly pos: SourcePos }
  | { readonly kind: 'license'; readonly name: string; readonly count: number; readonly pos: SourcePos };

/** A sibling's ident named in `on_pass` / `on_fail` / `on_done`, with where it was written. */
export interface DependencyRef {
  readonly ident: string;
  readonly pos: SourcePos;
}

export interface Dependencies {
  readonly onPass: readonly DependencyRef[];
  readonly onFail: readonly DependencyRef[];
  readonly onDone: readonly DependencyRef[];
}

interface NodeSpecBase extends Dependencies {
  /** From `ident:` or `id:`; absent when neither is given. */
  readonly ident: string | undefined;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string | undefined;
  readonly pos: SourcePos;
  /**
   * Where each field's value was written, by field name (`ident` also for `id:`), so that
   * tree-level checks can point at the value rather than at the node. Optional so that specs
   * built by hand (tests, generators) need not invent positions.
   */
  readonly fieldPos?: Readonly<Partial<Record<string, SourcePos>>>;
}

export interface JobSpec extends NodeSpecBase {
  readonly kind: 'job';
  readonly command: string;
  readonly args: readonly string[];
  readonly resources: readonly ResourceSpec[];
}

export interface GroupSpec extends NodeSpecBase {
  readonly kind: 'group';
  readonly jobs: readonly NodeSpec[];
}

export interface ArraySpec extends NodeSpecBase {
  readonly kind: 'array';
  readonly repeats: number;
  readonly jobs: readonly NodeSpec[];
}

export type NodeSpec = JobSpec | GroupSpec | ArraySpec;
export type NodeKind = NodeSpec['kind'];
