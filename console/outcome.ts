// Why a job ended the way it did, in words, from the run's NodeEnded event. Shared by the log
// lines, the panel and the status lines; the words themselves are vocabulary/wording.ts's, the
// same the report and the exports use.
import type { NodeEnded } from '../actors/events.js';
import { unreachable } from '../vocabulary/unreachable.js';
import { describeAborted, describeFailure, notStartedLine } from '../vocabulary/wording.js';
import { formatDuration } from './durations.js';

/** The reason a failed node failed: exit code, signal, message counts… */
export const failureReason = (node: NodeEnded, errorLines: number): string =>
  describeFailure({
    failure: node.failure,
    exitCode: node.exitCode,
    signal: node.signal,
    errors: errorLines,
    timeout: node.timeout ?? null,
    detail: node.detail ?? null,
    ...(node.limits == null ? {} : { limits: node.limits }),
  });

/** The text of a job's end line: `passed in 1.20s`, `failed in 3.1s: exit code 1: <first error>`. */
export const describeEnd = (node: NodeEnded, errorLines: number): string => {
  const took = node.duration > 0 ? ` in ${formatDuration(node.duration)}` : '';
  switch (node.result) {
    case 'success':
      return node.flaky === true ? `passed${took} after a retry (flaky)` : `passed${took}`;
    case 'failure': {
      const reason = failureReason(node, errorLines);
      const why = `failed${took}: ${reason}`;
      // A fail pattern's line is often the first error too: say it once.
      return node.firstError === null || node.detail?.slice(0, node.firstError.length) === node.firstError ? why : `${why}: ${node.firstError}`;
    }
    case 'aborted':
      return node.notStarted === undefined ? describeAborted(node.kind, node.jobs, node.reason) : `aborted: ${notStartedLine(node.jobs, node.notStarted)}`;
    case 'unknown':
      return `ended${took} without a result`;
    default:
      return unreachable(node.result, 'result');
  }
};
