// What a run tells its observer on the main thread (the CLI's console, a progress panel, a
// library user). Plain data; the console layer renders it, the run database keeps it all.
import type { ExitCode, FailureKind, NodeKindName, ResultName, RunResultName, SeverityName, StreamName } from '../vocabulary/codes.js';
import type { Tally } from '../vocabulary/tally.js';

export interface LiveMessage {
  readonly jobId: number;
  readonly path: string;
  /** Unix seconds. */
  readonly ts: number;
  readonly severity: SeverityName;
  readonly stream: StreamName;
  readonly text: string;
}

export interface JobStarted {
  readonly id: number;
  readonly path: string;
  readonly ts: number;
  readonly pid: number;
  /** The pid is on a cluster node, not on this host. */
  readonly remote?: boolean;
  /** The cluster node it runs on. */
  readonly host?: string;
  /** The expanded command line, for display. */
  readonly command: string;
}

export interface NodeEnded {
  readonly id: number;
  readonly path: string;
  readonly kind: NodeKindName;
  readonly ts: number;
  readonly result: ResultName;
  /** Seconds from start to end; 0 for nodes that never started. */
  readonly duration: number;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly failure: FailureKind | null;
  /** The fact behind a pattern or test-results failure (see vocabulary/wording.ts describeFailure). */
  readonly detail?: string | null;
  /** The message limits a job was judged by; null for groups and nodes that never ran. */
  readonly limits?: { readonly warning: number | null; readonly error: number | null; readonly critical: number | null } | null;
  /** The job's first ERROR or CRITICAL line, for triage. */
  readonly firstError: string | null;
  /** Leaf jobs this end settles (more than 1 when a pruned group aborts its whole subtree). */
  readonly jobs: number;
  /** Last node id of the node's subtree (its own id for a job). */
  readonly subtreeEnd: number;
  /** Leaf jobs in the node's subtree (1 for a job). */
  readonly leaves: number;
  /** Aborted nodes: why they did not run. */
  readonly reason?: string;
  /** `timeout` failures: the limit, seconds. */
  readonly timeout?: number;
  /** A job that passed only after a retry. */
  readonly flaky?: boolean;
  /**
   * Set when this end stands for a group's children that never started, aborted together (ids
   * `id` to `subtreeEnd`, `path` the group's): why.
   */
  readonly notStarted?: string;
}

/** Jobs ready to run but held back, by the pool each waits for (`cores`, `memory`, `license:VCS`, `slots`). */
export interface Waiting {
  readonly total: number;
  readonly byPool: readonly (readonly [pool: string, jobs: number])[];
}

/** The run's leaf-job tally (`unfinished` counts jobs a stop left pending). */
export type RunTally = Tally;

export interface RunEnded {
  readonly ts: number;
  readonly result: Exclude<RunResultName, 'unknown'>;
  readonly exitCode: (typeof ExitCode)['success' | 'failure' | 'internal' | 'interrupted'];
  readonly tally: RunTally;
  /** Dotted paths of failed leaf jobs, in the order they failed. */
  readonly failedPaths: readonly string[];
  readonly dbPath: string;
}

/** Receives a run's events in order; every method is optional so observers take what they need. */
export interface RunObserver {
  runStarted?(info: { readonly ts: number; readonly jobCount: number; readonly dbPath: string; readonly trackingDir: string }): void;
  message?(message: LiveMessage): void;
  jobStarted?(job: JobStarted): void;
  nodeEnded?(node: NodeEnded): void;
  /** Ctrl+C or SIGTERM was received; `force` on the second one. */
  stopping?(info: { readonly force: boolean; readonly graceSeconds: number }): void;
  /** What jobs ready to run wait for; sent when it changes, at most a few times a second. */
  waiting?(waiting: Waiting): void;
  /** `--max-failures` was reached: nothing more is launched; running jobs finish, or are stopped (`stop`). */
  failFast?(info: { readonly failures: number; readonly stop: boolean }): void;
  /** Runner diagnostics (`-v` shows them); not job output. */
  debug?(text: string): void;
  /** A failure of the runner itself (a thread that died, a database it cannot write); always shown. */
  problem?(text: string): void;
  /** A condition of the runner that fails nothing (a shortage it waits out); said once, always shown. */
  notice?(text: string): void;
  runEnded?(end: RunEnded): void;
}
