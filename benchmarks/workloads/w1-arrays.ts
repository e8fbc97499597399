// W1 arrays: a `!JobArray` of N `true` jobs, against `xargs -P J` and GNU parallel running
// the same N commands with the same J.
import { join } from 'node:path';
import { parallelTrue, xargsTrue } from '../harness/baselines.js';
import { repsFor, type BenchContext } from '../harness/options.js';
import { gatorBefore, gatorRun, writeSpec } from '../harness/runner.js';
import type { Case } from '../harness/types.js';

export const w1Id = (n: number): string => `W1 N=${n.toLocaleString('en-US')}`;

export const arraySpec = (n: number): string => `# W1: an array of ${n} \`true\` jobs.
!JobArray
ident: w1
repeats: ${n}
jobs:
  - !Job
      ident: t
      command: "true"
`;

/** W1 with what a resource-aware regression asks for: every job a core and a licence token. */
export const arrayResourcesSpec = (n: number): string => `# W1 with resources: an array of ${n} \`true\` jobs, each holding a core and a BENCH licence.
!JobArray
ident: w1
repeats: ${n}
jobs:
  - !Job
      ident: t
      command: "true"
      resources: [!Cores [1], !License [BENCH, 1]]
`;

/** Runs with resources at or below this N (the target is at N=10,000); the 100,000 run stays one. */
const RESOURCES_MAX_N = 10_000;

export const w1Cases = ({ options, parallelMissing }: BenchContext): Case[] =>
  options.w1Sizes.map((n) => {
    const spec = writeSpec(join(options.work, 'specs', `w1-${n}.yaml`), arraySpec(n));
    const skipParallel =
      n > options.parallelMaxN ? `skipped above N=${options.parallelMaxN.toLocaleString('en-US')} (--parallel-max) to fit the time budget` : null;
    return {
      id: w1Id(n),
      workload: 'W1',
      title: `W1 arrays: N = ${n.toLocaleString('en-US')} \`true\` jobs`,
      jobs: n,
      lines: 0,
      reps: repsFor(options, n),
      variants: [
        gatorRun({ spec, tracking: join(options.work, 'track', `w1-${n}`), jobs: options.jobsFlag, expect: { passedJobs: n, stdoutLines: 0 } }),
        ...(n <= RESOURCES_MAX_N
          ? [
              // As many licence tokens as slots: the pools are counted on every admission, but
              // they hold nothing back, so the run measures their cost alone.
              gatorRun({
                spec: writeSpec(join(options.work, 'specs', `w1-resources-${n}.yaml`), arrayResourcesSpec(n)),
                tracking: join(options.work, 'track', `w1-resources-${n}`),
                jobs: options.jobsFlag,
                expect: { passedJobs: n, stdoutLines: 0 },
                key: 'gator-resources',
                label: 'gator, !Cores [1] + !License',
                extraArgs: ['--license', `BENCH=${options.slots}`],
              }),
            ]
          : []),
        ...gatorBefore(options.before, {
          spec,
          tracking: join(options.work, 'track', `w1-before-${n}`),
          jobs: options.jobsFlag,
          expect: { passedJobs: n, stdoutLines: 0 },
        }),
        xargsTrue(n, options.slots),
        // GNU parallel is a slow secondary baseline (minutes per repetition at N=10,000 here):
        // once per size above 1,000 unless --reps says otherwise.
        parallelTrue(n, options.slots, skipParallel ?? parallelMissing, n > 1_000 && options.reps === null ? 1 : undefined),
      ],
    };
  });
