// The end-of-run report for people: a row per top-level group and array, then the failures
// grouped by their first ERROR line (the triage view), each with an example's last lines and
// the command that replays it, then the database path.
import type { FailureBucket, GroupRow, RunReport } from '../storage/readers/triage.js';
import { SEVERITY_NAMES } from '../vocabulary/codes.js';
import { failureGroupHeadline, failureGroupsSummary, plural } from '../vocabulary/wording.js';
import { palette, type Palette } from './color.js';
import { formatBytes, formatDuration } from './durations.js';
import { fit, padTo, widthOf } from './fit.js';
import { formatMessageLine } from './line-format.js';
import { elide, foldPaths } from './paths.js';
import { visible } from './visible.js';

export interface ReportStyle {
  readonly color: boolean;
  readonly width: number;
}

/** Folded path entries shown per failure group before "… and N more". */
const PATHS_SHOWN = 5;
/** Roll-up rows shown before "… and N more" (the rest are one query away). */
const METRICS_SHOWN = 30;

interface Column {
  readonly title: string;
  readonly value: (row: GroupRow | TotalRow) => string;
}

type TotalRow = Omit<GroupRow, 'kind'> & { readonly kind: '' };

const COLUMNS: readonly Column[] = [
  { title: 'jobs', value: (r) => String(r.total) },
  { title: 'passed', value: (r) => String(r.passed) },
  { title: 'failed', value: (r) => String(r.failed) },
  { title: 'aborted', value: (r) => String(r.aborted) },
  { title: 'duration', value: (r) => (r.duration === null ? '–' : formatDuration(r.duration)) },
  { title: 'peak RSS', value: (r) => formatBytes(r.peakRss) },
];
const UNFINISHED: Column = { title: 'unfinished', value: (r) => String(r.unfinished) };

const summaryTable = (report: RunReport, width: number, c: Palette): string[] => {
  const total: TotalRow = { path: 'all', kind: '', ...report.totals };
  const rows: (GroupRow | TotalRow)[] = [...report.groups, total];
  const columns = rows.some((r) => r.unfinished > 0) ? [...COLUMNS, UNFINISHED] : COLUMNS;
  const widths = columns.map((col) => Math.max(widthOf(col.title), ...rows.map((r) => widthOf(col.value(r)))));
  const numbers = widths.reduce((sum, w) => sum + w + 2, 0);
  const kindWidth = 6;
  const nameWidth = Math.max(8, Math.min(Math.max(...rows.map((r) => widthOf(visible(r.path)))), width - numbers - kindWidth - 2));
  const line = (name: string, kind: string, cells: readonly string[]): string =>
    `${padTo(name, nameWidth)}  ${kind.padEnd(kindWidth)}${cells.map((cell, i) => `  ${cell.padStart(widths[i] ?? 0)}`).join('')}`;
  const paint = (row: GroupRow | TotalRow, text: string): string =>
    row.failed > 0 ? c.red(text) : row.total > 0 && row.passed === row.total ? c.green(text) : text;
  return [
    c.bold(
      line(
        'Summary',
        '',
        columns.map((col) => col.title),
      ),
    ),
    ...report.groups.map((row) =>
      paint(
        row,
        line(
          visible(row.path),
          row.kind,
          columns.map((col) => col.value(row)),
        ),
      ),
    ),
    c.bold(
      paint(
        total,
        line(
          'all',
          '',
          columns.map((col) => col.value(total)),
        ),
      ),
    ),
  ];
};

const bucketLines = (bucket: FailureBucket, width: number, color: boolean, c: Palette): string[] => {
  const { example } = bucket;
  const headline = failureGroupHeadline(bucket.count, example.firstError === null ? null : visible(bucket.signature), example.reason);
  const lines = [`${c.red('✘')} ${c.bold(headline)}`];
  for (const entry of elide(foldPaths(bucket.paths), PATHS_SHOWN)) lines.push(`  ${fit(visible(entry), width - 3, 'middle')}`);
  const which = [
    example.reason,
    ...(example.seed === null ? [] : [`seed ${example.seed}`]),
    ...Object.entries(example.params ?? {}).map(([name, value]) => `${name}=${value}`),
  ].join(', ');
  lines.push(c.dim(`  e.g. ${visible(example.path)} (${visible(which)})${example.lastLines.length > 0 ? ', its last lines:' : ''}`));
  for (const message of example.lastLines) {
    const severity = SEVERITY_NAMES.find((s) => s === message.severity) ?? 'INFO';
    lines.push(`    ${fit(formatMessageLine({ ts: message.ts, severity, path: example.path, text: message.text }, { color }), width - 5)}`);
  }
  lines.push(`  whole log: ${c.cyan(example.replay)}`);
  if (example.repro !== null) {
    // A line with newlines (a multi-line `sh -c` script) is printed as it is, unindented, so a
    // copy of it is the same bytes; escapes are still made visible.
    const pieces = example.repro.split('\n').map((piece) => visible(piece));
    if (pieces.length === 1) lines.push(`  repro:     ${c.cyan(pieces[0] ?? '')}`);
    else lines.push('  repro (these lines, as they are):', ...pieces.map((piece) => c.cyan(piece)));
  }
  return lines;
};

/** Jobs that passed only after a retry: they pass, but say something about the test or the machine. */
const flakyLines = (report: RunReport, width: number, c: Palette): string[] => {
  if (report.flaky.length === 0) return [];
  const lines = ['', c.bold(c.yellow(`${plural(report.flaky.length, 'job')} passed only after a retry (flaky):`))];
  const entries = report.flaky.map((job) => `${job.path} (attempt ${job.attempt})`);
  for (const entry of elide(entries, PATHS_SHOWN)) lines.push(`  ${fit(visible(entry), width - 3, 'middle')}`);
  return lines;
};

/** A metric value in few characters: integers as they are, others to 6 significant digits. */
const formatValue = (value: number): string => (Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6))));

/** Metrics rolled up the tree: the run's first, then each group and array, per name. */
const metricLines = (report: RunReport, width: number, c: Palette): string[] => {
  const rows = report.metrics;
  if (rows.length === 0) return [];
  const shown = rows.slice(0, METRICS_SHOWN);
  const titles = ['jobs', 'mean', 'min', 'max', 'sum'];
  const cells = shown.map((r) => [String(r.count), formatValue(r.mean), formatValue(r.min), formatValue(r.max), formatValue(r.sum)]);
  const widths = titles.map((title, i) => Math.max(widthOf(title), ...cells.map((row) => widthOf(row[i] ?? ''))));
  const where = (r: RunReport['metrics'][number]): string => (r.path === null ? 'run' : visible(r.path));
  const nameWidth = Math.max(4, ...shown.map((r) => widthOf(visible(r.name))));
  const numbers = widths.reduce((sum, w) => sum + w + 2, 0);
  const whereWidth = Math.max(8, Math.min(Math.max(...shown.map((r) => widthOf(where(r)))), width - numbers - nameWidth - 2));
  const line = (a: string, b: string, row: readonly string[]): string =>
    `${padTo(a, whereWidth)}  ${padTo(b, nameWidth)}${row.map((cell, i) => `  ${cell.padStart(widths[i] ?? 0)}`).join('')}`;
  const lines = ['', c.bold(line('Metrics', 'name', titles))];
  shown.forEach((r, i) => lines.push(line(where(r), visible(r.name), cells[i] ?? [])));
  if (rows.length > shown.length)
    lines.push(c.dim(`… and ${rows.length - shown.length} more: gator query ${visible(report.dbPath)} 'SELECT * FROM metric_rollup'`));
  lines.push(c.dim("over each job's last value; every value is in the views metrics and metric_values"));
  return lines;
};

/** The report as text, ready to write: a blank line first (it follows the tally), a newline last. */
export const renderReport = (report: RunReport, style: ReportStyle): string => {
  const c = palette(style.color);
  const width = Math.max(40, style.width);
  const lines = [...summaryTable(report, width, c), ...metricLines(report, width, c)];
  const { failures } = report;
  if (failures.jobs > 0) {
    lines.push('', c.bold(c.red(`${failureGroupsSummary(failures.jobs, failures.buckets.length)}:`)));
    for (const bucket of failures.buckets) lines.push('', ...bucketLines(bucket, width, style.color, c));
  }
  lines.push(...flakyLines(report, width, c));
  lines.push('', `${c.bold('Database:')} ${visible(report.dbPath)}`);
  return `\n${lines.join('\n')}\n`;
};
