// `gator runs [DIR]`: the runs under a tracking directory, newest first, with their tally and
// whether each is running, was cut off (its runner died), or is done.
import { type Command } from 'commander';
import { formatDuration } from '../../console/durations.js';
import { DEFAULT_TRACKING_ROOT } from '../../storage/readers/open-run.js';
import { listRuns, type ListedRun } from '../../storage/readers/runs-list.js';
import { USAGE_EXIT, withUserErrors } from '../usage-error.js';

interface RunsFlags {
  readonly json: boolean;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');
const localTime = (unix: number): string => {
  const d = new Date(unix * 1000);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
};

/** The run's result as a person reads it: only a finished run has one. */
const shownResult = (listed: ListedRun): string => {
  if (listed.status === 'done') return listed.run.result;
  if (listed.status === 'cut-off') return 'unknown';
  return listed.tally.failed > 0 ? 'failing' : 'running';
};

export function register(program: Command): void {
  program
    .command('runs')
    .description('list the runs under a tracking directory, newest first')
    .argument('[dir]', 'the tracking directory that holds the runs', DEFAULT_TRACKING_ROOT)
    .option('--json', 'one JSON array of runs', false)
    .addHelpText(
      'after',
      [
        '',
        'STATUS is "running" while the runner is alive (it refreshes a heartbeat every 2 s), "done" once the',
        'run ended, and "cut-off" when it never ended and its runner is gone (killed, or its machine went',
        'down): no heartbeat for 10 s, or its pid is dead on this host. Jobs it had started count as cut',
        'off, never as passed. RERUN OF names the run a `gator rerun` repeated jobs of.',
      ].join('\n'),
    )
    .action(async (dir: string, flags: RunsFlags) => {
      await withUserErrors(() => runs(dir, flags));
    });
}

function runs(dir: string, flags: RunsFlags): void {
  const { runs: listed, unreadable } = listRuns(dir);
  if (flags.json) {
    const json = listed.map((r) => ({
      name: r.name,
      dir: r.dir,
      database: r.dbPath,
      id: r.run.id,
      spec: r.run.specPath,
      startedAt: r.run.startedAt,
      endedAt: r.run.endedAt,
      duration: r.duration,
      status: r.status,
      result: shownResult(r),
      exitCode: r.run.exitCode,
      tally: r.tally,
      latest: r.latest,
      rerunOf: r.run.rerunOf,
      rerunOfName: r.rerunOfName,
    }));
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    process.stdout.write(table(listed));
  }
  for (const bad of unreadable) process.stderr.write(`gator: skipped ${bad.dir}: ${bad.error}\n`);
  if (listed.length === 0 && unreadable.length === 0) process.stderr.write(`gator: no runs under ${dir}\n`);
  // Nothing could be listed and something could not be read: the user's to fix, as for the other readers.
  else if (listed.length === 0) process.exitCode = USAGE_EXIT;
}

function table(listed: readonly ListedRun[]): string {
  if (listed.length === 0) return '';
  const header = ['RUN', 'STARTED', 'DURATION', 'JOBS', 'PASSED', 'FAILED', 'CUT OFF', 'RESULT', 'STATUS', 'RERUN OF'];
  const numeric = new Set([2, 3, 4, 5, 6]);
  const rows = listed.map((r) => [
    `${r.name}${r.latest ? ' (latest)' : ''}`,
    localTime(r.run.startedAt),
    formatDuration(r.duration),
    String(r.tally.total),
    String(r.tally.passed),
    String(r.tally.failed),
    String(r.tally.cutOff),
    shownResult(r),
    r.status,
    r.run.rerunOf === null ? '' : (r.rerunOfName ?? r.run.rerunOf),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `${cells
      .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()}\n`;
  return [line(header), ...rows.map(line)].join('');
}
