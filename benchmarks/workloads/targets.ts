// The targets, evaluated on the medians: each becomes a row with the measured value,
// the limit, met / not met / not measured, and by how much.
import type { BenchOptions } from '../harness/options.js';
import type { CaseResult, Summary } from '../harness/types.js';
import { w1Id } from './w1-arrays.js';
import { W2_ID } from './w2-output.js';
import { W3_ID } from './w3-tree.js';
import { W4_ID } from './w4-startup.js';

export type Status = 'met' | 'not met' | 'not measured';

export interface TargetRow {
  readonly target: string;
  readonly measured: string;
  readonly limit: string;
  readonly status: Status;
  /** By how much it is met or missed. */
  readonly margin: string;
}

const MB = 1e6;
const x = (value: number): string => `${value.toFixed(2)}×`;
const s = (value: number): string => `${value < 10 ? value.toFixed(3) : value.toFixed(1)} s`;

const find = (results: readonly CaseResult[], id: string): CaseResult | undefined => results.find((r) => r.case.id === id);
const summaryOf = (result: CaseResult | undefined, key: string): Summary | null => result?.variants.find((v) => v.variant.key === key)?.summary ?? null;

const notMeasured = (target: string, limit: string, why: string): TargetRow => ({ target, measured: why, limit, status: 'not measured', margin: '' });

/** A ratio that must stay at or below (`max`) or at or above (`min`) its limit. */
const judged = (target: string, value: number, limit: number, kind: 'max' | 'min', measured: string): TargetRow => {
  const met = kind === 'max' ? value <= limit : value >= limit;
  const off = kind === 'max' ? value / limit - 1 : 1 - value / limit;
  return {
    target,
    measured,
    limit: `${kind === 'max' ? '≤' : '≥'} ${limit}`,
    status: met ? 'met' : 'not met',
    margin: met
      ? `${Math.abs(off * 100).toFixed(0)}% headroom`
      : kind === 'max'
        ? `${(off * 100).toFixed(0)}% over the limit`
        : `${(off * 100).toFixed(0)}% short of the limit`,
  };
};

/** W1 at N, or at the largest size measured below N (a scaled check, said so), else undefined. */
const w1At = (results: readonly CaseResult[], options: BenchOptions, n: number): { result: CaseResult; n: number } | undefined => {
  const sizes = options.w1Sizes.filter((size) => size <= n).sort((a, b) => b - a);
  for (const size of sizes) {
    const result = find(results, w1Id(size));
    if (result !== undefined) return { result, n: size };
  }
  return undefined;
};

const scaled = (n: number, wanted: number): string => (n === wanted ? '' : ` (scaled down: N=${n.toLocaleString('en-US')})`);

/** This build against the earlier one (`--before`) in one case: wall ratio of medians, CPU beside it. */
const againstBefore = (target: string, result: CaseResult | undefined, what: string): TargetRow => {
  const now = summaryOf(result, 'gator');
  const before = summaryOf(result, 'gator-before');
  if (now === null || before === null) return notMeasured(target, '≤ 1.05', `${what} with --before not measured`);
  const ratio = now.wallS.median / before.wallS.median;
  const cpu = now.cpuS.median / before.cpuS.median;
  return judged(
    target,
    ratio,
    1.05,
    'max',
    `${x(ratio)} (${s(now.wallS.median)} vs ${s(before.wallS.median)}; CPU ${x(cpu)}: ${s(now.cpuS.median)} vs ${s(before.cpuS.median)})`,
  );
};

export const evaluateTargets = (results: readonly CaseResult[], options: BenchOptions): TargetRow[] => {
  const rows: TargetRow[] = [];

  const w1 = w1At(results, options, 10_000);
  {
    const target = `W1 N=10,000: gator wall ≤ 1.5× \`xargs -P ${options.slots}\`${w1 === undefined ? '' : scaled(w1.n, 10_000)}`;
    const gator = summaryOf(w1?.result, 'gator');
    const xargs = summaryOf(w1?.result, 'xargs');
    rows.push(
      gator === null || xargs === null
        ? notMeasured(target, '≤ 1.5', 'W1 not measured')
        : judged(
            target,
            gator.wallS.median / xargs.wallS.median,
            1.5,
            'max',
            `${x(gator.wallS.median / xargs.wallS.median)} (${s(gator.wallS.median)} vs ${s(xargs.wallS.median)})`,
          ),
    );
  }

  if (options.before !== null) {
    const target = `W1 N=10,000: gator's ratio to \`xargs -P ${options.slots}\` within 5% of the earlier build's (--before)${w1 === undefined ? '' : scaled(w1.n, 10_000)}`;
    const now = summaryOf(w1?.result, 'gator');
    const before = summaryOf(w1?.result, 'gator-before');
    const xargs = summaryOf(w1?.result, 'xargs');
    rows.push(
      now === null || before === null || xargs === null
        ? notMeasured(target, '≤ 1.05', 'W1 with --before not measured')
        : judged(
            target,
            now.wallS.median / xargs.wallS.median / (before.wallS.median / xargs.wallS.median),
            1.05,
            'max',
            `${x(now.wallS.median / xargs.wallS.median)} now vs ${x(before.wallS.median / xargs.wallS.median)} before (${s(now.wallS.median)}, ${s(before.wallS.median)}, xargs ${s(xargs.wallS.median)})`,
          ),
    );
  }
  {
    const target = `W1 N=10,000 with !Cores [1] and a licence per job: wall ≤ 1.1× W1 with default resources${w1 === undefined ? '' : scaled(w1.n, 10_000)}`;
    const plain = summaryOf(w1?.result, 'gator');
    const held = summaryOf(w1?.result, 'gator-resources');
    rows.push(
      plain === null || held === null
        ? notMeasured(target, '≤ 1.1', 'W1 with resources not measured')
        : judged(
            target,
            held.wallS.median / plain.wallS.median,
            1.1,
            'max',
            `${x(held.wallS.median / plain.wallS.median)} (${s(held.wallS.median)} vs ${s(plain.wallS.median)})`,
          ),
    );
  }

  const big = find(results, w1Id(100_000));
  const bigRuns = big?.variants.find((v) => v.variant.key === 'gator')?.runs ?? [];
  const bigGator = summaryOf(big, 'gator');
  {
    const target = 'W1 N=100,000: completes';
    const passed = bigRuns.filter((run) => run.check.ok).length;
    rows.push(
      bigRuns.length === 0
        ? notMeasured(target, 'every run passes', 'N=100,000 not run')
        : {
            target,
            measured: `${passed}/${bigRuns.length} runs passed${passed === bigRuns.length ? ', every job recorded as passed in the run database' : ''}`,
            limit: 'every run passes',
            status: passed === bigRuns.length ? 'met' : 'not met',
            margin: passed === bigRuns.length ? '' : (bigRuns.find((run) => !run.check.ok)?.check.note ?? ''),
          },
    );
  }
  {
    const target = 'W1 N=100,000: runner peak RSS ≤ 300 MB';
    const rss = bigGator?.maxRssBytes ?? null;
    rows.push(
      rss === null
        ? notMeasured(target, '≤ 300', bigGator === null ? 'N=100,000 not measured' : 'RSS unknown')
        : judged(target, rss / MB, 300, 'max', `${(rss / MB).toFixed(0)} MB`),
    );
  }
  {
    const target = 'W1 N=100,000: jobs/s ≥ 0.8× jobs/s at N=10,000';
    const mid = summaryOf(find(results, w1Id(10_000)), 'gator');
    rows.push(
      bigGator?.jobsPerS == null || mid?.jobsPerS == null
        ? notMeasured(target, '≥ 0.8', 'N=100,000 and N=10,000 not both measured')
        : judged(
            target,
            bigGator.jobsPerS / mid.jobsPerS,
            0.8,
            'min',
            `${x(bigGator.jobsPerS / mid.jobsPerS)} (${bigGator.jobsPerS.toFixed(0)} vs ${mid.jobsPerS.toFixed(0)} jobs/s)`,
          ),
    );
  }
  {
    const target = 'W2: gator lines/s ≥ 0.7× the bare better-sqlite3 loop';
    const w2 = find(results, W2_ID);
    const gator = summaryOf(w2, 'gator');
    const loop = summaryOf(w2, 'sqlite');
    rows.push(
      gator?.linesPerS == null || loop?.linesPerS == null
        ? notMeasured(target, '≥ 0.7', 'W2 not measured')
        : judged(
            target,
            gator.linesPerS / loop.linesPerS,
            0.7,
            'min',
            `${x(gator.linesPerS / loop.linesPerS)} (${Math.round(gator.linesPerS).toLocaleString('en-US')} vs ${Math.round(loop.linesPerS).toLocaleString('en-US')} lines/s)`,
          ),
    );
  }
  if (options.before !== null) {
    const target = "W2: gator's lines/s within 5% of the earlier build's (--before)";
    const w2 = find(results, W2_ID);
    const now = summaryOf(w2, 'gator');
    const before = summaryOf(w2, 'gator-before');
    rows.push(
      now?.linesPerS == null || before?.linesPerS == null
        ? notMeasured(target, '≥ 0.95', 'W2 with --before not measured')
        : judged(
            target,
            now.linesPerS / before.linesPerS,
            0.95,
            'min',
            `${x(now.linesPerS / before.linesPerS)} (${Math.round(now.linesPerS).toLocaleString('en-US')} vs ${Math.round(before.linesPerS).toLocaleString('en-US')} lines/s)`,
          ),
    );
  }
  {
    const w3 = find(results, W3_ID);
    const leaves = w3?.case.jobs ?? 10_000;
    const target = `W3 tree: wall ≤ 1.2× W1 at N=10,000${scaled(leaves, 10_000)}`;
    const tree = summaryOf(w3, 'gator');
    const flat = summaryOf(find(results, w1Id(leaves)), 'gator');
    rows.push(
      tree === null || flat === null
        ? notMeasured(target, '≤ 1.2', `W3 and W1 N=${leaves.toLocaleString('en-US')} not both measured`)
        : judged(
            target,
            tree.wallS.median / flat.wallS.median,
            1.2,
            'max',
            `${x(tree.wallS.median / flat.wallS.median)} (${s(tree.wallS.median)} vs ${s(flat.wallS.median)})`,
          ),
    );
  }
  if (options.before !== null) {
    const w3 = find(results, W3_ID);
    rows.push(againstBefore("W3 tree: gator's wall within 5% of the earlier build's (--before)", w3, 'W3'));
  }
  {
    const target = 'W4: one `echo` job ≤ 4× `node -e 0`';
    const w4 = find(results, W4_ID);
    const gator = summaryOf(w4, 'gator');
    const node = summaryOf(w4, 'node');
    rows.push(
      gator === null || node === null
        ? notMeasured(target, '≤ 4', 'W4 not measured')
        : judged(
            target,
            gator.wallS.median / node.wallS.median,
            4,
            'max',
            `${x(gator.wallS.median / node.wallS.median)} (${s(gator.wallS.median)} vs ${s(node.wallS.median)})`,
          ),
    );
  }
  if (options.before !== null) {
    rows.push(againstBefore("W4: gator's wall (so its ratio to `node -e 0`) within 5% of the earlier build's (--before)", find(results, W4_ID), 'W4'));
  }
  return rows;
};
