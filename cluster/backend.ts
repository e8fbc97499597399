// What a cluster scheduler must offer the head: submit a batch of like leaves, list the run's
// jobs in one call, cancel the whole run in one call, and say its limits. Slurm implements it
// (cluster/slurm/); LSF (`bsub -J name[1-N]`, `bjobs`, `bkill`) and SGE (`qsub -t 1-N`,
// `qstat`, `qdel`) would implement the same four calls (ARCHITECTURE.md says how).

/** What the head asks of the scheduler for every task of one submission. */
export interface ResourceRequest {
  /** CPUs per task; 0 leaves the scheduler's default (one). */
  readonly cores: number;
  /** Memory per task in bytes; 0 asks for nothing (never "all the node's memory"). */
  readonly memoryBytes: number;
  readonly licenses: Readonly<Record<string, number>>;
  /** Wall-clock limit in seconds; null leaves the partition's default. */
  readonly timeSeconds: number | null;
  readonly partition: string | null;
  readonly account: string | null;
  readonly qos: string | null;
  /** Raw scheduler arguments, passed as they are. */
  readonly extraArgs: readonly string[];
}

export interface SubmitRequest {
  /** One name for every job of a run, so that it can be listed and cancelled in one call. */
  readonly name: string;
  /** Identifies the batch among the run's jobs (Slurm: `--comment`). */
  readonly tag: string;
  /** The script every task runs; it receives `args` and learns its task index from the scheduler. */
  readonly script: string;
  readonly args: readonly string[];
  /** Tasks in this submission: 1 is a plain job, more an array indexed 0..tasks-1. */
  readonly tasks: number;
  readonly resources: ResourceRequest;
  readonly workDir: string;
  /** Scheduler's own output file pattern, per task. */
  readonly outputDir: string;
}

/** The scheduler accepted the submission under this id (an array's id for arrays). */
export interface Submitted {
  readonly clusterId: string;
}

/** Why a submission was refused, so the head knows whether to retry, wait or give up. */
export type SubmitFailureKind =
  /** The scheduler was busy or unreachable: retry with backoff. */
  | 'transient'
  /** A per-user limit of queued jobs was hit: submit less at once and retry later. */
  | 'quota'
  /** The request itself is wrong (licence, partition, account, ...): fail those jobs. */
  | 'permanent';

export class SubmitError extends Error {
  override name = 'SubmitError';
  constructor(
    readonly kind: SubmitFailureKind,
    message: string,
  ) {
    super(message);
  }
}

/** States a scheduler reports, reduced to what the head acts on. */
export type ClusterState = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled' | 'timeout' | 'out-of-memory' | 'node-fail' | 'other-end';

export interface ClusterJobStatus {
  /** The submission's tag. */
  readonly tag: string;
  /** Task index within the submission (0 for a plain job). */
  readonly index: number;
  /** The scheduler's id of this task, as its own tools print it. */
  readonly clusterId: string;
  readonly state: ClusterState;
  /** The scheduler's word for the state (e.g. OUT_OF_MEMORY) and its pending reason. */
  readonly stateName: string;
  readonly reason: string;
}

export interface ClusterLimits {
  /** Most tasks in one array submission. */
  readonly maxArrayTasks: number;
  /** Most jobs the scheduler holds at all (queued, running and recently finished). */
  readonly maxJobs: number;
  /** Seconds between a cancel's SIGTERM and SIGKILL. */
  readonly killWaitSeconds: number;
  /** Seconds a finished job stays listed. */
  readonly finishedVisibleSeconds: number;
}

/** Counts of scheduler calls, for the benchmark and the tests. */
export interface ClusterCalls {
  submit: number;
  poll: number;
  cancel: number;
}

export interface ClusterBackend {
  readonly kind: string;
  readonly calls: ClusterCalls;
  discover(): Promise<ClusterLimits>;
  submit(request: SubmitRequest): Promise<Submitted>;
  /** Every job of the run, one call. */
  poll(name: string): Promise<ClusterJobStatus[]>;
  /** Cancels every job of the run, one call. */
  cancel(name: string): Promise<void>;
}

export const isFinished = (state: ClusterState): boolean => state !== 'pending' && state !== 'running';
