// The run's last lines: a one-line tally, the failed job paths (folded and elided), the database.
import type { RunEnded } from '../actors/events.js';
import { palette } from './color.js';
import { formatDuration } from './durations.js';
import { formatEventLine } from './line-format.js';
import { elide, foldPaths } from './paths.js';
import { visible } from './visible.js';
import { plural } from '../vocabulary/wording.js';

/** Folded path entries listed before "… and N more"; the report has them all. */
const LISTED = 20;

/** Whether `gator run` prints the end-of-run report after the tally: not for a quiet run that passed. */
export const reportFollows = (end: RunEnded, quiet: boolean): boolean => !quiet || end.tally.failed > 0;

/** The tally, the failed paths and, unless a report follows (it ends with the database), the database. */
export const tallyLines = (end: RunEnded, startedAt: number | null, color: boolean, reportFollowing = false): string[] => {
  const c = palette(color);
  const { total, passed, failed, aborted } = end.tally;
  const took = startedAt === null ? '' : ` in ${formatDuration(end.ts - startedAt)}`;
  const verdict = end.result === 'success' ? 'passed' : end.result === 'failure' ? 'failed' : 'interrupted';
  const text = `run ${verdict}${took}: ${plural(total, 'job')}, ${passed} passed, ${failed} failed, ${aborted} aborted`;
  const lines = [
    formatEventLine({ ts: end.ts, tag: end.result === 'success' ? 'PASS' : end.result === 'failure' ? 'FAIL' : 'STOP', path: 'gator', text }, { color }),
  ];
  if (end.failedPaths.length > 0) {
    lines.push(
      `${c.bold(c.red('Failed:'))} ${elide(foldPaths(end.failedPaths), LISTED)
        .map((p) => visible(p))
        .join(' ')}`,
    );
  }
  if (!reportFollowing) lines.push(`${c.bold('Database:')} ${visible(end.dbPath)}`);
  return lines;
};
