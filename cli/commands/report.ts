// `gator report [RUN]`: a short summary for people, and the run exported for machines: JUnit
// XML for CI, a JSON tree, GNU parallel's joblog.
import { writeFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { decideColor } from '../../console/color.js';
import { formatDuration } from '../../console/durations.js';
import { renderReport } from '../../console/report.js';
import { exportJoblog } from '../../storage/readers/export-joblog.js';
import { exportJson } from '../../storage/readers/export-json.js';
import { exportJunit } from '../../storage/readers/export-junit.js';
import { readJobs, tallyJobs, type JobRow, type Tally } from '../../storage/readers/jobs.js';
import { runEndTime, runStatus, shownJob, type RunStatus } from '../../storage/readers/liveness.js';
import { openRun, type RunDb } from '../../storage/readers/open-run.js';
import { readRun, type RunRow } from '../../storage/readers/run-info.js';
import { readRunReport } from '../../storage/readers/triage.js';
import { UsageError, withUserErrors } from '../usage-error.js';
import { OutputSink } from '../output.js';

interface ReportFlags {
  readonly junit?: string;
  readonly json?: string;
  readonly joblog?: string;
  readonly outputLines: number;
  readonly color?: boolean;
}

const parseLines = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
};

export function register(program: Command): void {
  program
    .command('report')
    .description('summarise a run, or export it as JUnit XML, a JSON tree or a GNU parallel joblog')
    .argument('[run]', 'a tracking directory, a run.sqlite, or a tracking root (default: ./tracking/latest)')
    .option('--junit <file>', 'write JUnit XML: a testsuite per group or array with jobs, a testcase per job ("-": stdout)')
    .option('--json <file>', 'write the run\'s tree as JSON: every node with result, state, duration, peaks, message counts ("-": stdout)')
    .option('--joblog <file>', 'write GNU parallel\'s joblog TSV, a row per job ("-": stdout)')
    .option('--output-lines <n>', "JUnit: lines of each job's output kept in <system-out>", parseLines, 50)
    .addOption(new Option('--color', 'force colour in the summary').conflicts('noColor'))
    .addOption(new Option('--no-color', 'never colour (NO_COLOR in the environment does the same)'))
    .addHelpText(
      'after',
      [
        '',
        'Without an export option it prints a summary: the tally, the failures grouped by their first ERROR',
        'line, and the database path. Exports can be combined; at most one may go to stdout.',
        '',
        "JUnit: <testsuite name> is the group's dotted path; <testcase name> the job ident (e.g. sim_3, unique",
        "in its suite) and classname the parent's path; <failure type> is exit, signal, error-count, … with",
        'the first ERROR/CRITICAL line as message; <error type> is spawn, cut-off or interrupted (the job could',
        'not finish); <skipped> marks aborted or not yet run jobs; <system-out> keeps the last lines and says',
        'how to replay the rest. Jobs still running in a cut-off run are errors of type cut-off.',
        '',
        'Examples:',
        '  gator report --junit results.xml',
        "  gator report tracking/latest --json - | jq '.tally'",
      ].join('\n'),
    )
    .action(async (run: string | undefined, flags: ReportFlags) => {
      await withUserErrors(() => report(run, flags));
    });
}

async function report(runArg: string | undefined, flags: ReportFlags): Promise<void> {
  const targets = [flags.junit, flags.json, flags.joblog].filter((file): file is string => file !== undefined);
  if (targets.filter((file) => file === '-').length > 1) throw new UsageError('only one export can go to stdout ("-")');
  const run = openRun(runArg);
  try {
    const info = readRun(run.db, run.dbPath);
    const status = runStatus(info);
    const endTime = runEndTime(info, status);
    const jobs = readJobs(run.db);
    if (targets.length === 0) {
      await writeOut('-', summary(run, info, status, jobs, endTime, flags));
      return;
    }
    const options = { dbPath: run.dbPath, run: info, status, endTime };
    if (flags.junit !== undefined) {
      const xml = exportJunit(run.db, jobs, { ...options, outputLines: flags.outputLines });
      await writeOut(flags.junit, xml, `JUnit XML (${jobs.filter((job) => job.kind === 'job').length} test cases)`);
    }
    if (flags.json !== undefined) await writeOut(flags.json, `${JSON.stringify(exportJson(run.db, jobs, options), null, 2)}\n`, 'JSON tree');
    if (flags.joblog !== undefined) await writeOut(flags.joblog, exportJoblog(jobs, endTime), 'joblog');
  } finally {
    run.close();
  }
}

async function writeOut(file: string, content: string, what?: string): Promise<void> {
  if (file === '-') {
    const sink = new OutputSink();
    sink.add(content);
    await sink.flush();
    return;
  }
  try {
    writeFileSync(file, content);
  } catch (error) {
    throw new UsageError(`cannot write ${file}: ${(error as Error).message}`, { cause: error });
  }
  if (what !== undefined) process.stderr.write(`gator: wrote ${what} to ${file}\n`);
}

const pad2 = (n: number): string => String(n).padStart(2, '0');
const localTime = (unix: number): string => {
  const d = new Date(unix * 1000);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
};

const tallyLine = (tally: Tally): string => {
  const parts = [`${tally.passed} passed`, `${tally.failed} failed`];
  if (tally.aborted > 0) parts.push(`${tally.aborted} aborted`);
  if (tally.cutOff > 0) parts.push(`${tally.cutOff} cut off`);
  if (tally.unfinished > 0) parts.push(`${tally.unfinished} not finished`);
  return `${tally.total} job${tally.total === 1 ? '' : 's'}: ${parts.join(', ')}`;
};

/** Status and tally first (the part the end-of-run report does not say), then that report. */
function summary(run: RunDb, info: RunRow, status: RunStatus, jobs: readonly JobRow[], endTime: number, flags: ReportFlags): string {
  const color = decideColor({ flag: flags.color, env: process.env, isTTY: process.stdout.isTTY === true });
  const took = formatDuration(Math.max(0, endTime - info.startedAt));
  const lines = [`Run ${info.id}  ${info.specPath}${info.rerunOf === null ? '' : `  (rerun of ${info.rerunOf})`}`];
  if (status === 'done') {
    lines.push(`done: ${info.result}${info.exitCode === null ? '' : ` (exit ${info.exitCode})`}, started ${localTime(info.startedAt)}, took ${took}`);
  } else if (status === 'running') {
    lines.push(`running since ${localTime(info.startedAt)} (${took}), runner pid ${info.pid ?? '?'} on ${info.host}`);
  } else {
    lines.push(`cut off: the runner stopped without ending the run; started ${localTime(info.startedAt)}, last sign of life after ${took}`);
  }
  lines.push(tallyLine(tallyJobs(jobs, status)));
  const cutOff = jobs.filter((job) => job.kind === 'job' && shownJob(job, status).result === 'cut-off');
  if (cutOff.length > 0) lines.push(`cut off while running: ${cutOff.map((job) => job.path).join(', ')}`);
  const width = process.stdout.columns ?? 100;
  return `${lines.join('\n')}\n${renderReport(readRunReport(run.dbPath), { color, width })}`;
}
