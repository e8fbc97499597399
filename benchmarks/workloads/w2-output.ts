// W2 output: 16 jobs each printing L lines (`seq L`; 2,000,000 lines in all by default),
// against the same commands with output redirected to files, and against a bare
// better-sqlite3 loop inserting the same rows into the run schema's message table in
// transactions of 10,000 rows (the storage path's own limit). The runner's database must
// hold every line afterwards.
import { join } from 'node:path';
import { redirectToFiles, sqliteLoop } from '../harness/baselines.js';
import { repsFor, type BenchContext } from '../harness/options.js';
import { gatorBefore, gatorRun, writeSpec } from '../harness/runner.js';
import type { Case } from '../harness/types.js';

export const W2_ID = 'W2 output';
const STORAGE_BATCH = 10_000;

export const outputSpec = (jobs: number, lines: number): string => `# W2: ${jobs} jobs each printing ${lines} lines.
!JobArray
ident: w2
repeats: ${jobs}
jobs:
  - !Job
      ident: seq
      command: seq
      args: [${lines}]
`;

export const w2Cases = ({ options }: BenchContext): Case[] => {
  const jobs = options.w2Jobs;
  const lines = options.w2LinesPerJob;
  const spec = writeSpec(join(options.work, 'specs', `w2-${jobs}x${lines}.yaml`), outputSpec(jobs, lines));
  return [
    {
      id: W2_ID,
      workload: 'W2',
      title: `W2 output: ${jobs} jobs × ${lines.toLocaleString('en-US')} lines = ${(jobs * lines).toLocaleString('en-US')} lines`,
      jobs,
      lines: jobs * lines,
      reps: repsFor(options, options.quick ? 1_000 : 10_000),
      note: "The bare loop's rate uses its own timing of open + schema + inserts + close (printed by the loop), not the Node and tsx start-up before it; its wall column includes that start-up.",
      variants: [
        gatorRun({ spec, tracking: join(options.work, 'track', 'w2'), jobs: options.jobsFlag, expect: { passedJobs: jobs, stdoutLines: jobs * lines } }),
        ...gatorBefore(options.before, {
          spec,
          tracking: join(options.work, 'track', 'w2-before'),
          jobs: options.jobsFlag,
          expect: { passedJobs: jobs, stdoutLines: jobs * lines },
        }),
        redirectToFiles(jobs, lines, options.slots, join(options.work, 'w2-files')),
        sqliteLoop(jobs, lines, STORAGE_BATCH, join(options.work, 'w2-loop.sqlite')),
      ],
    },
  ];
};
