// Renders RESULTS.md: machine, targets, one table per case with its baselines and the exact
// commands, then the sections of the other benchmark scripts.
import type { TargetRow } from '../workloads/targets.js';
import type { MachineInfo } from './machine.js';
import type { BenchOptions } from './options.js';
import type { Spread } from './stats.js';
import type { CaseResult, Summary, VariantResult } from './types.js';

export interface ExternalSection {
  readonly script: string;
  readonly command: string;
  readonly exitCode: number | null;
  readonly seconds: number;
  readonly markdown: string;
}

export interface Report {
  readonly machine: MachineInfo;
  readonly options: BenchOptions;
  readonly toolNotes: readonly string[];
  readonly results: readonly CaseResult[];
  readonly targets: readonly TargetRow[];
  readonly external: readonly ExternalSection[];
  readonly seconds: number;
  /** Null when finished; else what is still running, for the copy written between cases. */
  readonly pending: string | null;
}

const seconds = (value: number): string => (value < 1 ? value.toFixed(3) : value < 100 ? value.toFixed(2) : value.toFixed(1));
const spreadText = (value: Spread): string =>
  value.n === 1 ? seconds(value.median) : `${seconds(value.median)} (${seconds(value.min)}–${seconds(value.max)})`;
const integer = (value: number): string => Math.round(value).toLocaleString('en-US');
const cell = (text: string): string => text.replaceAll('|', '\\|');

type RateColumn = 'jobs/s' | 'lines/s' | null;
const rateColumn = (result: CaseResult): RateColumn => (result.case.lines > result.case.jobs ? 'lines/s' : result.case.jobs > 1 ? 'jobs/s' : null);

const rateOf = (summary: Summary, column: RateColumn): string =>
  column === 'jobs/s' ? integer(summary.jobsPerS ?? 0) : column === 'lines/s' ? integer(summary.linesPerS ?? 0) : '';

const headerOf = (result: CaseResult): string[] => {
  const column = rateColumn(result);
  return [
    'command',
    'runs ok',
    'wall s, median (min–max)',
    'CPU s user+sys, median (min–max)',
    'peak RSS MB',
    ...(column === null ? [] : [column]),
    'gator ÷ this',
    'foreign CPU',
  ];
};

const variantRow = (result: CaseResult, row: VariantResult, runner: Summary | null): string => {
  const width = headerOf(result).length;
  const column = rateColumn(result);
  const name = row.variant.role === 'runner' ? `**${cell(row.variant.label)}**` : cell(row.variant.label);
  const padded = (cells: readonly string[]): string => `| ${[...cells, ...new Array<string>(Math.max(0, width - cells.length)).fill('')].join(' | ')} |`;
  if (row.variant.unavailable !== undefined) return padded([name, `skipped: ${cell(row.variant.unavailable)}`]);
  const ok = `${row.runs.filter((run) => run.check.ok).length}/${row.runs.length}`;
  const summary = row.summary;
  if (summary === null) return padded([name, ok, 'failed']);
  const ratio = row.variant.role === 'runner' || runner === null ? '' : `${(runner.workS / summary.workS).toFixed(2)}×`;
  return padded([
    name,
    ok,
    spreadText(summary.wallS),
    spreadText(summary.cpuS),
    summary.maxRssBytes === null ? 'n/a' : integer(summary.maxRssBytes / 1e6),
    ...(column === null ? [] : [rateOf(summary, column)]),
    ratio,
    summary.foreignShare === null ? 'n/a' : `${(summary.foreignShare * 100).toFixed(0)}%`,
  ]);
};

const fewer = (c: CaseResult['case']): string => {
  const capped = c.variants.filter((v) => v.unavailable === undefined && v.reps !== undefined && v.reps < c.reps);
  return capped.length === 0 ? '' : ` (${capped.map((v) => `${v.label}: ${String(v.reps)}`).join(', ')})`;
};

const caseSection = (result: CaseResult): string => {
  const c = result.case;
  const runner = result.variants.find((row) => row.variant.role === 'runner')?.summary ?? null;
  const header = headerOf(result);
  const lines = [
    `### ${c.title}`,
    '',
    `${c.reps} repetition${c.reps === 1 ? '' : 's'}${fewer(c)}, alternated; load average at start ${result.loadAtStart.map((l) => l.toFixed(2)).join(' / ')}.`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...result.variants.map((row) => variantRow(result, row, runner)),
    '',
  ];
  if (c.note !== undefined) lines.push(c.note, '');
  const failures = result.variants.flatMap((row) =>
    row.runs.filter((run) => !run.check.ok).map((run) => `- ${row.variant.label}, repetition ${run.rep + 1}: ${run.check.note ?? 'failed'}`),
  );
  if (failures.length > 0) lines.push('Failed runs (left out of the medians):', '', ...failures, '');
  lines.push('Commands (from the repository root):', '', ...result.variants.map((row) => `- ${row.variant.label}: \`${row.variant.display}\``), '');
  return lines.join('\n');
};

const targetsSection = (targets: readonly TargetRow[]): string =>
  [
    '## Targets',
    '',
    '| target | measured (medians) | limit | status | margin |',
    '|---|---|---|---|---|',
    ...targets.map(
      (t) =>
        `| ${cell(t.target)} | ${cell(t.measured)} | ${t.limit} | ${t.status === 'met' ? 'met' : t.status === 'not met' ? '**not met**' : 'not measured'} | ${cell(t.margin)} |`,
    ),
    '',
  ].join('\n');

const reproduce = (options: BenchOptions): string => (options.argv.length === 0 ? 'npm run bench' : `npm run bench -- ${options.argv.join(' ')}`);

export const renderReport = (report: Report): string => {
  const m = report.machine;
  const o = report.options;
  const workloads = ['W1', 'W2', 'W3', 'W4'] as const;
  const out = [
    '# Benchmark results',
    '',
    report.pending === null
      ? `Generated by \`${reproduce(o)}\`${o.quick ? ' (quick mode: scaled-down sizes, fewer repetitions)' : ''}, started ${m.date}; the run took ${(report.seconds / 60).toFixed(1)} min.`
      : `**Incomplete**: written while \`${reproduce(o)}\` (started ${m.date}) was still running ${report.pending}.`,
    '',
    `Reproduce: \`npm install && ${reproduce(o)}\`. Method: [README.md](README.md) (alternated repetitions, medians, ratios against baselines measured in the same rounds; the machine is shared, so read the ratios and the "foreign CPU" column before any absolute number).`,
    '',
    '## Machine',
    '',
    '| | |',
    '|---|---|',
    `| cores (os.availableParallelism) | ${m.nproc} |`,
    `| CPU | ${cell(m.cpuModel)} |`,
    `| memory | ${m.memoryGiB.toFixed(1)} GiB |`,
    `| load average at start (1 / 5 / 15 min) | ${m.loadAtStart.map((l) => l.toFixed(2)).join(' / ')} |`,
    `| kernel, Node | Linux ${m.kernel}, Node ${m.node} |`,
    `| commit | ${m.commit} |`,
    `| J (runner slots; the baselines use the same J) | ${o.slots}${o.jobsFlag === null ? " (the runner's default)" : ' (-j)'} |`,
    ...(report.toolNotes.length > 0 ? [`| tools | ${cell(report.toolNotes.join('; '))} |`] : []),
    '',
    '"foreign CPU" is the CPU other processes used while a command ran, as a share of all cores (from /proc/stat, minus the command\'s own CPU): high values mean the machine was busy and absolute times are pessimistic. Peak RSS is that of the largest single process (GNU time `%M`): the runner\'s own, for gator rows.',
    '',
    targetsSection(report.targets),
  ];
  for (const workload of workloads) {
    const results = report.results.filter((r) => r.case.workload === workload);
    if (results.length === 0) continue;
    out.push(`## ${workload}`, '', ...results.map(caseSection));
  }
  for (const section of report.external) {
    out.push(
      `## ${section.script}`,
      '',
      `\`${section.command}\`: exit ${String(section.exitCode)}, ${section.seconds.toFixed(0)} s.`,
      '',
      section.markdown.trim() === '' ? '(no output)' : section.markdown.trim(),
      '',
    );
  }
  return `${out.join('\n').trimEnd()}\n`;
};
