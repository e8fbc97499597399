// The command line of `npm run bench`, and the sizes and repetition counts each mode uses.
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_RESULTS, DEFAULT_WORK_DIR, ROOT } from './paths.js';
import { WORKLOAD_IDS, type WorkloadId } from './types.js';

export interface BenchOptions {
  readonly quick: boolean;
  /** Overrides every workload's repetition count when set. */
  readonly reps: number | null;
  readonly only: readonly WorkloadId[];
  readonly w1Sizes: readonly number[];
  readonly w2Jobs: number;
  readonly w2LinesPerJob: number;
  readonly w3Leaves: number;
  /** `-j` for the runner when set; the baselines' J is this or the runner's default. */
  readonly jobsFlag: number | null;
  readonly slots: number;
  readonly out: string;
  readonly work: string;
  readonly external: boolean;
  /** Pass --quick to the other benchmark scripts even in a full run. */
  readonly externalQuick: boolean;
  readonly install: boolean;
  readonly timeoutS: number;
  /** Sizes of W1 above which GNU parallel is skipped (it costs minutes per repetition at 100,000). */
  readonly parallelMaxN: number;
  /** A built checkout of an earlier version, run beside this one in every workload (`--before DIR`); null: none. */
  readonly before: string | null;
  /** The arguments as given, for the report's "reproduce" line. */
  readonly argv: readonly string[];
}

export const USAGE = `usage: npm run bench -- [options]
  --quick              the one-minute version (small sizes, 2 repetitions)
  --reps N             repetitions of every workload (default: by size)
  --only W1,W2,W3,W4   workloads to run (default: all)
  --w1 N,N,...         W1 array sizes (default 1000,10000,100000; quick 1000)
  --w2-lines N         lines per W2 job (default 125000; quick 12500)
  --w3-leaves N        W3 leaves, a multiple of 100 (default 10000; quick 1000)
  -j, --jobs N         pass -j N to the runner and use N for the baselines (default: the runner's default, os.availableParallelism())
  --parallel-max N     skip GNU parallel for W1 sizes above N (default 10000: at 100,000 it takes longer than the rest)
  --out FILE           results file (default benchmarks/RESULTS.md)
  --work DIR           scratch directory (default benchmarks/.work)
  --timeout S          seconds before one command is killed (default 3600)
  --no-external        do not run benchmarks/replay.ts, benchmarks/progress-overhead.ts and benchmarks/hub.ts
  --external-quick     run those with --quick even in a full run (always so with --quick)
  --no-install         never apt-get install missing tools (GNU parallel, time)
  --before DIR         also run W1-W4 with the gator built in DIR (an earlier checkout, npm-installed), in the same rounds`;

const count = (text: string, name: string): number => {
  const value = Number(text.replaceAll('_', ''));
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}: expected a positive integer, got ${JSON.stringify(text)}`);
  return value;
};

export const parseOptions = (argv: readonly string[]): BenchOptions | 'help' => {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      reps: { type: 'string' },
      only: { type: 'string' },
      w1: { type: 'string' },
      'w2-lines': { type: 'string' },
      'w3-leaves': { type: 'string' },
      jobs: { type: 'string', short: 'j' },
      'parallel-max': { type: 'string' },
      out: { type: 'string' },
      work: { type: 'string' },
      timeout: { type: 'string' },
      'no-external': { type: 'boolean', default: false },
      'external-quick': { type: 'boolean', default: false },
      'no-install': { type: 'boolean', default: false },
      before: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help === true) return 'help';
  const quick = values.quick === true;
  const only = values.only === undefined ? WORKLOAD_IDS : values.only.split(',').map((id) => id.trim().toUpperCase());
  const unknown = only.filter((id) => !(WORKLOAD_IDS as readonly string[]).includes(id));
  if (unknown.length > 0) throw new Error(`--only: unknown workload ${unknown.join(', ')} (expected ${WORKLOAD_IDS.join(', ')})`);
  const w3Leaves = values['w3-leaves'] === undefined ? (quick ? 1_000 : 10_000) : count(values['w3-leaves'], '--w3-leaves');
  if (w3Leaves % 100 !== 0) throw new Error('--w3-leaves: must be a multiple of 100 (10 groups x 10 arrays x repeats)');
  const jobsFlag = values.jobs === undefined ? null : count(values.jobs, '--jobs');
  return {
    quick,
    reps: values.reps === undefined ? null : count(values.reps, '--reps'),
    only: WORKLOAD_IDS.filter((id) => only.includes(id)),
    w1Sizes: values.w1 === undefined ? (quick ? [1_000] : [1_000, 10_000, 100_000]) : values.w1.split(',').map((n) => count(n, '--w1')),
    w2Jobs: 16,
    w2LinesPerJob: values['w2-lines'] === undefined ? (quick ? 12_500 : 125_000) : count(values['w2-lines'], '--w2-lines'),
    w3Leaves,
    jobsFlag,
    slots: jobsFlag ?? availableParallelism(),
    out: resolve(ROOT, values.out ?? DEFAULT_RESULTS),
    work: resolve(ROOT, values.work ?? DEFAULT_WORK_DIR),
    external: values['no-external'] !== true,
    externalQuick: quick || values['external-quick'] === true,
    install: values['no-install'] !== true,
    timeoutS: values.timeout === undefined ? 3600 : count(values.timeout, '--timeout'),
    parallelMaxN: values['parallel-max'] === undefined ? 10_000 : count(values['parallel-max'], '--parallel-max'),
    before: values.before === undefined ? null : resolve(values.before),
    argv,
  };
};

/** Repetitions of a workload of `size` jobs: more for the quick ones, one for the huge one. */
export const repsFor = (options: BenchOptions, size: number): number => {
  if (options.reps !== null) return options.reps;
  if (options.quick) return 2;
  return size <= 1_000 ? 5 : size <= 10_000 ? 3 : 1;
};

/** What a workload needs to build its cases. */
export interface BenchContext {
  readonly options: BenchOptions;
  /** Null when GNU parallel is available; else why its baseline is skipped. */
  readonly parallelMissing: string | null;
}
