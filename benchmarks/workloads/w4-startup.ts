// W4 start-up: one `echo` job, wall from command to exit, against a bare `node -e 0`.
import { join } from 'node:path';
import { nodeStart } from '../harness/baselines.js';
import type { BenchContext } from '../harness/options.js';
import { gatorBefore, gatorRun, writeSpec } from '../harness/runner.js';
import type { Case } from '../harness/types.js';

export const W4_ID = 'W4 start-up';

export const echoSpec = `# W4: one echo job.
!Job
ident: hello
command: echo
args: [hello]
`;

export const w4Cases = ({ options }: BenchContext): Case[] => {
  const spec = writeSpec(join(options.work, 'specs', 'w4-echo.yaml'), echoSpec);
  return [
    {
      id: W4_ID,
      workload: 'W4',
      title: 'W4 start-up: one `echo` job',
      jobs: 1,
      lines: 1,
      reps: options.reps ?? (options.quick ? 5 : 11),
      variants: [
        gatorRun({ spec, tracking: join(options.work, 'track', 'w4'), jobs: options.jobsFlag, expect: { passedJobs: 1, stdoutLines: 1 } }),
        ...gatorBefore(options.before, {
          spec,
          tracking: join(options.work, 'track', 'w4-before'),
          jobs: options.jobsFlag,
          expect: { passedJobs: 1, stdoutLines: 1 },
        }),
        nodeStart(),
      ],
    },
  ];
};
