// Every actor's protocol, one discriminated union each. Messages are plain data: they cross
// threads by structured clone.
import type { Address, ChildExit } from '../runtime/index.js';
import type { PlannedGroup, PlannedJob, PlannedNode } from '../spec/plan.js';
import type { WriteBatch } from '../storage/batch.js';
import type { ResultCode, RunResultCode, SeverityLevel } from '../vocabulary/codes.js';
import type { LiveMessage, JobStarted, NodeEnded, Waiting } from './events.js';
import type { ClusterSettings } from '../cluster/settings.js';
import type { MessageCounts } from '../storage/batch.js';
import type { ResourceRequest } from './resources/admission.js';
import type { ApiRequest } from './job/api/protocol.js';

export interface MessageLimits {
  /** A job fails when its count at that severity is greater than the limit; null = unlimited. */
  readonly warning: number | null;
  readonly error: number | null;
  readonly critical: number | null;
}

/** Settings every job and group actor needs, fixed for the run. */
export interface RunSettings {
  readonly limits: MessageLimits;
  /** Seconds between resource samples. */
  readonly interval: number;
  /** Seconds between SIGTERM and SIGKILL when stopping. */
  readonly grace: number;
  /** Messages at or above this severity are forwarded to the console. */
  readonly consoleSeverity: SeverityLevel;
  /** Set when leaf jobs go to a cluster scheduler instead of this machine. */
  readonly cluster?: ClusterSettings;
}

/** Where a job or group sends what it produces. */
export interface RunWiring {
  readonly run: Address<RunMessage>;
  readonly storage: Address<StorageMessage>;
  /** Admits jobs to run on this machine within the run's pools (`-j`, cores, memory, licences). */
  readonly resources: Address<ResourceMessage>;
  /** Hosts that run job actors, round-robin. */
  readonly jobHosts: readonly number[];
}

/** What the console is told, batched by each host's outbox. */
export type ConsoleEvent =
  | { readonly type: 'message'; readonly message: LiveMessage }
  | { readonly type: 'started'; readonly job: JobStarted }
  | { readonly type: 'ended'; readonly node: NodeEnded }
  /** The runner's own detail (`-v`): how a thread starts jobs, what it ships. */
  | { readonly type: 'debug'; readonly text: string }
  /** Something about the runner worth saying once (`key`), that fails nothing: a shortage it waits out. */
  | { readonly type: 'notice'; readonly key: string; readonly text: string };

/**
 * Jobs' process groups that began or ended, taken from the jobs' `started` and `ended` state
 * changes (not from console events), so the run's last-resort sweep knows every live group.
 */
export interface ProcessGroupChanges {
  /** `[node id, process group id]` of jobs that started. */
  readonly started: readonly (readonly [number, number])[];
  /** Node ids of jobs that ended. */
  readonly ended: readonly number[];
}

/** A child's report to its parent group when it completes. */
export interface ChildEnded {
  readonly type: 'child-ended';
  readonly id: number;
  readonly result: ResultCode;
}

/**
 * Why a subtree is stopped other than by the user (Ctrl+C): its group ran past its
 * `group_timeout`, or `--fail-fast=stop` was reached. `text` says so in each job's lines.
 */
export type StopCause = { readonly kind: 'timeout'; readonly text: string } | { readonly kind: 'fail-fast'; readonly text: string };

export interface Stop {
  readonly type: 'stop';
  /** SIGKILL at once instead of SIGTERM and a grace period. */
  readonly force: boolean;
  /** Absent for the user's stop. */
  readonly cause?: StopCause;
}

/** Launch nothing more under this group (`--max-failures`); what runs may finish. */
export interface Halt {
  readonly type: 'halt';
  /** Why, for the lines of what is not run. */
  readonly reason: string;
}

export type RunMessage =
  | {
      readonly type: 'events';
      readonly from: Address<OutboxMessage>;
      readonly events: readonly ConsoleEvent[];
      readonly processGroups: ProcessGroupChanges | null;
    }
  | { readonly type: 'drained'; readonly host: number }
  | { readonly type: 'outbox-ready'; readonly host: number }
  | { readonly type: 'storage-finished'; readonly error: string | null }
  /** From the resource actor: `--max-failures` jobs have failed, and it admits nothing more. */
  | { readonly type: 'max-failures'; readonly failures: number }
  /** From the resource actor: what the jobs waiting for resources wait for. */
  | { readonly type: 'waiting'; readonly waiting: Waiting }
  | Stop
  | ChildEnded
  | ChildExit;

export type StorageMessage =
  | { readonly type: 'write'; readonly from: Address<OutboxMessage>; readonly batch: WriteBatch; readonly rows: number }
  | { readonly type: 'drained'; readonly host: number }
  | {
      readonly type: 'finish';
      readonly replyTo: Address<RunMessage>;
      readonly hosts: readonly number[];
      readonly end: { readonly endedAt: number; readonly result: RunResultCode; readonly exitCode: number };
    };

export type OutboxMessage =
  { readonly type: 'stored'; readonly rows: number } | { readonly type: 'shown'; readonly events: number } | { readonly type: 'drain' };

export type ResourceMessage =
  /** Job `id` of group `from` is ready to run and needs `request`. */
  | { readonly type: 'acquire'; readonly from: Address<GroupMessage>; readonly id: number; readonly request: ResourceRequest }
  /** Job `id` ended and gives back what it held; `failed`: it counts towards `--max-failures`. */
  | { readonly type: 'release'; readonly id: number; readonly failed: boolean }
  /** Forget queued requests of a group that is stopping. */
  | { readonly type: 'cancel'; readonly from: Address<GroupMessage> }
  /** Its own timer: time to tell the run what waits. */
  | { readonly type: 'tick' };

export type GroupMessage =
  /** Job `id` may start; `waitedFor` is the pool it last waited for. */
  | { readonly type: 'granted'; readonly id: number; readonly waitedFor: string | null }
  /** The group's `group_timeout` ran out. */
  | { readonly type: 'group-timeout' }
  | ChildEnded
  | Stop
  | Halt
  | ChildExit;

export type JobMessage =
  | Stop
  | { readonly type: 'spawned'; readonly pid: number }
  | { readonly type: 'output'; readonly stream: 0 | 1; readonly chunk: Uint8Array }
  | { readonly type: 'lost'; readonly reason: string }
  /** `cut`: processes the job left behind held its output open past the drain; what they wrote later is lost. */
  | { readonly type: 'closed'; readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly cut: boolean }
  /**
   * The process never ran: `code` is the errno name, or `mkdir` when its working directory could
   * not be made (`message` says why). `shortage`: the runner ran short of files, processes or
   * memory; the job is started again later.
   */
  | { readonly type: 'spawn-failed'; readonly code: string; readonly message: string; readonly shortage: boolean }
  | { readonly type: 'relaunch' }
  | { readonly type: 'force-expired' }
  | { readonly type: 'sample'; readonly ts: number; readonly nproc: number; readonly cpu: number; readonly rss: number }
  | { readonly type: 'grace-expired' }
  /** The job ran past its `timeout`. */
  | { readonly type: 'timed-out' }
  | { readonly type: 'flow'; readonly paused: boolean }
  | { readonly type: 'note'; readonly severity: 'DEBUG' | 'WARNING' | 'ERROR'; readonly text: string }
  | { readonly type: 'ingested'; readonly offset: number }
  /** The cluster's scheduler is ending the job for its time limit (seconds; null: not known). */
  | { readonly type: 'time-limit'; readonly seconds: number | null }
  | { readonly type: 'placed'; readonly clusterId: string; readonly host: string | null }
  /** The job's API endpoint listens on `port`, or could not open (`port` null: the job runs without one). */
  | { readonly type: 'api-open'; readonly port: number | null; readonly error: string | null }
  /** A request the job sent to its endpoint; answer it with `token`. */
  | { readonly type: 'api-request'; readonly token: number; readonly request: ApiRequest }
  /** Something the job sent its endpoint that could not be a request. */
  | { readonly type: 'api-problem'; readonly text: string }
  /** After the job's process ended, its endpoint's connections closed (`open`: those still open when the wait ran out). */
  | { readonly type: 'api-drained'; readonly open: number };

/** A run taken over from an earlier head (`gator attach`): what was already decided. */
export interface RunResume {
  /** Nodes that completed, by id, with their result. */
  readonly complete: Readonly<Record<number, ResultCode>>;
  /** Cluster jobs in flight, by id. */
  readonly jobs: Readonly<Record<number, JobResume>>;
}

export interface GroupInit {
  /** Where the group reports its end: its parent group, or the run for the root. */
  readonly reportTo: Address<ChildEnded>;
  readonly resume?: RunResume;
  readonly node: PlannedGroup;
  /** The group's whole subtree, indexed by `id - node.id`. */
  readonly subtree: readonly PlannedNode[];
  readonly settings: RunSettings;
  readonly wiring: RunWiring;
}

export interface JobInit {
  /** Where the job reports its end: its group, or the run when the spec is a single job. */
  readonly reportTo: Address<ChildEnded>;
  readonly job: PlannedJob;
  readonly settings: RunSettings;
  readonly wiring: RunWiring;
  /** A cluster job an earlier head submitted (`gator attach`): where to take it up. */
  readonly resume?: JobResume;
}

/** A cluster job taken over from an earlier head: its submission, spool offset and what was recorded. */
export interface JobResume {
  readonly batch: number;
  readonly index: number;
  readonly offset: number;
  readonly counts: MessageCounts;
  readonly firstError: string | null;
  readonly startedAt: number | null;
}
