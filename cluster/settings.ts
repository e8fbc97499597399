// A run's cluster settings: plain data, fixed for the run, carried to the job thread in the
// run settings (and stored in the run row, so that `gator attach` resumes with the same).
import type { Transport } from './manifest.js';

export type SchedulerKind = 'slurm';

/** Scheduler options that a spec node's `scheduler:` section may also set. */
export interface SchedulerOptions {
  readonly partition: string | null;
  readonly account: string | null;
  readonly qos: string | null;
  /** Wall-clock limit in seconds. */
  readonly timeSeconds: number | null;
  /** Raw arguments for the scheduler's submit command, in order. */
  readonly extraArgs: readonly string[];
}

export interface ClusterSettings {
  readonly scheduler: SchedulerKind;
  /** The job name every job of the run shares (`gator-` and the start of the run id). */
  readonly name: string;
  readonly trackingDir: string;
  readonly transport: Transport;
  /** The address the head listens on for leaves. */
  readonly bind: string;
  readonly maxQueued: number;
  readonly submitRate: number;
  readonly pollInterval: number;
  readonly pollMax: number;
  readonly lostGrace: number;
  readonly defaults: SchedulerOptions;
}

export const NO_SCHEDULER_OPTIONS: SchedulerOptions = { partition: null, account: null, qos: null, timeSeconds: null, extraArgs: [] };

/** A node's own options over the run's: each set field wins; extra arguments add up. */
export const mergeSchedulerOptions = (base: SchedulerOptions, own: Partial<SchedulerOptions> | undefined): SchedulerOptions =>
  own === undefined
    ? base
    : {
        partition: own.partition ?? base.partition,
        account: own.account ?? base.account,
        qos: own.qos ?? base.qos,
        timeSeconds: own.timeSeconds ?? base.timeSeconds,
        extraArgs: [...base.extraArgs, ...(own.extraArgs ?? [])],
      };
