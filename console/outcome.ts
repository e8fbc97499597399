// Why a job ended the way it did, in words, from the run's NodeEnded event. Shared by the log
// lines, the panel and the status lines so a failure reads the same everywhere.
import type { NodeEnded } from '../actors/events.js';
import { describeFailure } from '../storage/failure-text.js';
import { formatDuration } from './durations.js';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The reason a failed node failed: exit code, signal, message counts… */
export const failureReason = (node: NodeEnded, errorLines: number): string =>
  describeFailure({ failure: node.failure, exitCode: node.exitCode, signal: node.signal, errors: errorLines });

/** The text of a job's end line: `passed in 1.20s`, `failed in 3.1s: exit code 1: <first error>`. */
export const describeEnd = (node: NodeEnded, errorLines: number): string => {
  const took = node.duration > 0 ? ` in ${formatDuration(node.duration)}` : '';
  switch (node.result) {
    case 'success':
      return `passed${took}`;
    case 'failure': {
      const why = `failed${took}: ${failureReason(node, errorLines)}`;
      return node.firstError === null ? why : `${why}: ${node.firstError}`;
    }
    case 'aborted':
      return node.kind === 'job' || node.jobs <= 1
        ? 'aborted: a dependency did not go its way'
        : `aborted with its ${plural(node.jobs, 'job')}: a dependency did not go its way`;
    case 'unknown':
      return `ended${took} without a result`;
  }
};
