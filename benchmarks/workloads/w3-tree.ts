// W3 tree: four levels (root group → 10 groups → 10 arrays each → `true` jobs) with
// `on_pass` dependencies at two levels and L leaves (10,000 by default). Group g_i waits for
// g_{i-2} (two chains of five groups); inside each group, array a_j waits for a_{j-1} when j
// is odd (five pairs). It is compared with W1 at the same number of jobs, and is scheduled in
// alternation with that W1 case when it is part of the run.
import { join } from 'node:path';
import { repsFor, type BenchContext } from '../harness/options.js';
import { gatorBefore, gatorRun, writeSpec } from '../harness/runner.js';
import type { Case } from '../harness/types.js';

export const W3_ID = 'W3 tree';
const GROUPS = 10;
const ARRAYS = 10;

export const treeSpec = (leaves: number): string => {
  const repeats = leaves / (GROUPS * ARRAYS);
  const out = [`# W3: ${GROUPS} groups x ${ARRAYS} arrays x ${repeats} jobs = ${leaves} leaves, with on_pass dependencies.`, '!JobGroup', 'ident: w3', 'jobs:'];
  for (let g = 0; g < GROUPS; g++) {
    out.push('  - !JobGroup', `      ident: g${g}`);
    if (g >= 2) out.push(`      on_pass: [g${g - 2}]`);
    out.push('      jobs:');
    for (let a = 0; a < ARRAYS; a++) {
      out.push('        - !JobArray', `            ident: a${a}`, `            repeats: ${repeats}`);
      if (a % 2 === 1) out.push(`            on_pass: [a${a - 1}]`);
      out.push('            jobs:', '              - !Job', '                  ident: t', '                  command: "true"');
    }
  }
  return `${out.join('\n')}\n`;
};

export const w3Cases = ({ options }: BenchContext): Case[] => {
  const leaves = options.w3Leaves;
  const spec = writeSpec(join(options.work, 'specs', `w3-${leaves}.yaml`), treeSpec(leaves));
  return [
    {
      id: W3_ID,
      workload: 'W3',
      title: `W3 tree: 4 levels, ${leaves.toLocaleString('en-US')} leaves, on_pass dependencies`,
      jobs: leaves,
      lines: 0,
      reps: repsFor(options, leaves),
      variants: [
        gatorRun({ spec, tracking: join(options.work, 'track', 'w3'), jobs: options.jobsFlag, expect: { passedJobs: leaves, stdoutLines: 0 } }),
        ...gatorBefore(options.before, {
          spec,
          tracking: join(options.work, 'track', 'w3-before'),
          jobs: options.jobsFlag,
          expect: { passedJobs: leaves, stdoutLines: 0 },
        }),
      ],
    },
  ];
};
