// The spec as written: Gator's YAML tags turned into plain typed data, each node keeping
// where it came from so that every later error can name the file, line and column.

import type { SeverityName } from '../vocabulary/codes.js';

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

/** When a failed attempt of a job is run again (`retry_on:`). */
export type RetryRule =
  | { readonly kind: 'timeout' }
  | { readonly kind: 'signal' }
  /** A non-zero exit code; `code` null means any. */
  | { readonly kind: 'exit'; readonly code: number | null }
  /** A line of the attempt's output matches this regular expression (JavaScript syntax). */
  | { readonly kind: 'output'; readonly pattern: string; readonly flags: string }
  /** Any failure. */
  | { readonly kind: 'any' };

/** One `parameters:` entry of a `!JobArray`: a variable name and the values it takes. */
export interface ParameterSpec {
  readonly name: string;
  readonly values: readonly string[];
  readonly pos: SourcePos;
}

/**
 * Options for the cluster scheduler (`scheduler:`), for jobs run with `--scheduler slurm`:
 * inherited down the tree, a nearer node's field winning and `args` adding up.
 */
export interface SchedulerSpec {
  readonly partition?: string;
  readonly account?: string;
  readonly qos?: string;
  /** Wall-clock limit in seconds. */
  readonly timeSeconds?: number;
  /** Raw arguments for the submit command (sbatch), in order. */
  readonly args?: readonly string[];
}

/** The run's resource pools as the spec declares them (`pools:` on the top-level node). */
export interface PoolsSpec {
  readonly cores?: number;
  readonly memoryBytes?: number;
  readonly licenses: Readonly<Record<string, number>>;
  readonly pos: SourcePos;
}

/** A parser named in `parsers:`, canonical (an alias such as `clang` becomes `gcc`). */
export interface ParserRef {
  readonly name: string;
  readonly pos: SourcePos;
}

/** An entry of fail_patterns, pass_patterns, ignore_patterns or severity_patterns. */
export interface PatternSpec {
  /** A regular expression, checked when the spec was read. */
  readonly match: string;
  /** ignore_patterns: DEBUG or INFO (INFO when not given); severity_patterns: required. */
  readonly severity: SeverityName | undefined;
  readonly pos: SourcePos;
}

/**
 * A list setting as written on one node: a YAML list adds to what the node inherits; the form
 * `{replace: [...]}` replaces it, for this node and what it passes down.
 */
export interface ListSetting<T> {
  readonly replace: boolean;
  readonly items: readonly T[];
}

export type LimitName = 'warning' | 'error' | 'critical';

/** `limits:` as written: a number, null for unlimited (`none`), absent to inherit. */
export type LimitsSpec = Readonly<Partial<Record<LimitName, number | null>>>;

/** How the lines of the jobs under a node are read and judged (all inherited down the tree). */
export interface VerdictSpec {
  readonly parsers?: ListSetting<ParserRef>;
  readonly failPatterns?: ListSetting<PatternSpec>;
  readonly passPatterns?: ListSetting<PatternSpec>;
  readonly ignorePatterns?: ListSetting<PatternSpec>;
  readonly severityPatterns?: ListSetting<PatternSpec>;
  readonly limits?: LimitsSpec;
  /** The severity of unparsed stderr lines. */
  readonly stderr?: SeverityName;
}

interface NodeSpecBase extends Dependencies, VerdictSpec {
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
  /**
   * Regression control, inherited by every job below unless it sets its own (absent: inherit).
   * `timeout` in seconds; null is an explicit "no limit" (`timeout: none`).
   */
  readonly timeout?: number | null;
  readonly retries?: number;
  readonly retryOn?: readonly RetryRule[];
  /** Create the job's working directory before it starts. */
  readonly mkdir?: boolean;
  readonly scheduler?: SchedulerSpec;
  /** Where each env value was written, by variable name (for warnings about its `$VAR`s). */
  readonly envPos?: Readonly<Partial<Record<string, SourcePos>>>;
}

export interface JobSpec extends NodeSpecBase {
  readonly kind: 'job';
  readonly command: string;
  readonly args: readonly string[];
  /** Where each entry of `args` was written. */
  readonly argPos?: readonly SourcePos[];
  readonly resources: readonly ResourceSpec[];
  /** A pinned seed (`seed:`), instead of the one derived from the run seed and the path. */
  readonly seed?: number;
}

interface TierSpecBase extends NodeSpecBase {
  readonly jobs: readonly NodeSpec[];
  /** A limit on the whole group, in seconds from its start (`group_timeout:`); null: none. */
  readonly groupTimeout?: number | null;
  /** Only on the top-level node. */
  readonly pools?: PoolsSpec;
}

export interface GroupSpec extends TierSpecBase {
  readonly kind: 'group';
}

export interface ArraySpec extends TierSpecBase {
  readonly kind: 'array';
  readonly repeats: number;
  /** The array runs once per combination of these values (a product, in this order), times `repeats`. */
  readonly parameters?: readonly ParameterSpec[];
}

export type NodeSpec = JobSpec | GroupSpec | ArraySpec;
export type NodeKind = NodeSpec['kind'];
