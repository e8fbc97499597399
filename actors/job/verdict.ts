// Pass or fail for one job, and the fact behind a failure. In order: it could not start, was
// lost, ran out of time, was interrupted, was killed by a signal; then its output and results (a fail pattern
// matched, its test results report failures), its exit code, its message counts against its
// limits, and last the pass patterns its output never matched. Output comes before the exit code
// as in dvsim: `UVM_FATAL` with exit 1 is better explained by the line than by the code.
import type { MessageCounts } from '../../storage/batch.js';
import { Result, type FailureKind, type ResultCode } from '../../vocabulary/codes.js';
import { missingPassDetail } from '../../vocabulary/wording.js';
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
  /** The first line that matched a fail pattern. */
  readonly failMatch?: string | null;
  /** Pass patterns no line matched. */
  readonly missingPass?: readonly string[];
  /** Why its test results (cocotb's results.xml) fail it, worded; null when they pass or are not read. */
  readonly testResults?: string | null;
}

export interface Verdict {
  readonly result: ResultCode;
  readonly failure: FailureKind | null;
  /** The fact behind the failure, for the record: the line, the patterns, the tests. */
  readonly detail: string | null;
}

export const judge = (outcome: Outcome, limits: MessageLimits): Verdict => {
  const failed = (failure: FailureKind, detail: string | null = null): Verdict => ({ result: Result.failure, failure, detail });
  if (outcome.spawnFailed) return failed('spawn');
  if (outcome.lost) return failed('internal');
  if (outcome.clusterLost === true) return failed('lost');
  if (outcome.timedOut) return failed('timeout');
  if (outcome.interrupted) return failed('interrupted');
  if (outcome.signal !== null) return failed('signal');
  if (outcome.failMatch != null) return failed('fail-pattern', outcome.failMatch);
  if (outcome.testResults != null) return failed('test-results', outcome.testResults);
  if (outcome.exitCode !== 0) return failed('exit');
  const [, , warning, error, critical] = outcome.counts;
  if (limits.critical !== null && critical > limits.critical) return failed('critical-count');
  if (limits.error !== null && error > limits.error) return failed('error-count');
  if (limits.warning !== null && warning > limits.warning) return failed('warning-count');
  const missing = outcome.missingPass ?? [];
  if (missing.length > 0) return failed('pass-pattern', missingPassDetail(missing));
  return { result: Result.success, failure: null, detail: null };
};

/** A job's limits: what its spec sets, the run's command-line defaults for the rest. */
export const effectiveLimits = (run: MessageLimits, own: Readonly<Partial<MessageLimits>>): MessageLimits => ({
  warning: own.warning === undefined ? run.warning : own.warning,
  error: own.error === undefined ? run.error : own.error,
  critical: own.critical === undefined ? run.critical : own.critical,
});
