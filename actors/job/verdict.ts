// Pass or fail for one job: a zero exit and message counts within the limits.
import type { MessageCounts } from '../../storage/batch.js';
import { Result, type FailureKind, type ResultCode } from '../../vocabulary/codes.js';
import type { MessageLimits } from '../protocol.js';

export interface Outcome {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly counts: MessageCounts;
  /** The process could not be started. */
  readonly spawnFailed: boolean;
  /** What watched the process went away, so its result is unknown. */
  readonly lost: boolean;
  /** A cluster ended the job without its final report (cancelled, out of time or memory, node failure). */
  readonly clusterLost?: boolean;
  /** It ran past its timeout (or its group's) and was stopped for it. */
  readonly timedOut: boolean;
  /** The run was stopping and this job was terminated for it. */
  readonly interrupted: boolean;
}

export interface Verdict {
  readonly result: ResultCode;
  readonly failure: FailureKind | null;
}

export const judge = (outcome: Outcome, limits: MessageLimits): Verdict => {
  const failed = (failure: FailureKind): Verdict => ({ result: Result.failure, failure });
  if (outcome.spawnFailed) return failed('spawn');
  if (outcome.lost) return failed('internal');
  if (outcome.clusterLost === true) return failed('lost');
  if (outcome.timedOut) return failed('timeout');
  if (outcome.interrupted) return failed('interrupted');
  if (outcome.signal !== null) return failed('signal');
  if (outcome.exitCode !== 0) return failed('exit');
  const [, , warning, error, critical] = outcome.counts;
  if (limits.critical !== null && critical > limits.critical) return failed('critical-count');
  if (limits.error !== null && error > limits.error) return failed('error-count');
  if (limits.warning !== null && warning > limits.warning) return failed('warning-count');
  return { result: Result.success, failure: null };
};
