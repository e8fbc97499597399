import { parseSpec, planRun } from './spec/index.js';
const text = `!JobGroup
  id: top
  env: {A: "1"}
  jobs:
    - !Job {id: build, command: make}
    - !JobArray
        id: sims
        repeats: ${process.argv[2] ?? 100000}
        on_pass: [build]
        jobs:
          - !Job {id: run, command: sim, args: [--seed, "$GATOR_ARRAY_INDEX", --fixed], resources: [!Cores 1]}
    - !Job {id: report, command: rep, on_done: [sims]}
`;
const spec = parseSpec(text, 'perf.yaml');
global.gc?.();
const m0 = process.memoryUsage().heapUsed;
const t0 = performance.now();
const plan = planRun(spec, { specPath: 'perf.yaml', launchDir: '/tmp', baseEnv: process.env });
const t1 = performance.now();
global.gc?.();
const m1 = process.memoryUsage().heapUsed;
console.log('nodes', plan.nodes.length, 'ms', (t1 - t0).toFixed(1), 'MB', ((m1 - m0) / 1e6).toFixed(1), 'per node B', ((m1 - m0) / plan.nodes.length).toFixed(0));
const p = plan.nodes[100002]; console.log(p?.path, p?.kind === 'job' ? p.args : '');
