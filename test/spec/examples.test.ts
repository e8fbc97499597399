// Every spec in examples/ parses and plans, and examples/README.md describes each one.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadSpec, planRun, type PlannedJob } from '../../spec/index.js';

const dir = 'examples';
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const expectedJobs: Record<string, number> = {
  'seed-readme.yaml': 6,
  'job.yaml': 1,
  'job_group.yaml': 3,
  'job_array.yaml': 16,
  'job_tree.yaml': 19,
  'job_sequence.yaml': 3,
  'regression.yaml': 23,
  'regression-build-fails.yaml': 23,
  'regression-control.yaml': 13,
};

describe('examples', () => {
  it('has every expected example', () => {
    for (const f of Object.keys(expectedJobs)) assert.ok(files.includes(f), `missing examples/${f}`);
  });

  const readme = readFileSync(join(dir, 'README.md'), 'utf8');
  for (const f of files) {
    it(`${f} parses, plans and is described in README.md`, () => {
      const file = join(dir, f);
      const plan = planRun(loadSpec(file), { specPath: file, launchDir: process.cwd(), baseEnv: process.env });
      if (expectedJobs[f] !== undefined) assert.equal(plan.jobCount, expectedJobs[f]);
      assert.ok(readme.includes(`\`${f}\``), `README.md does not mention ${f}`);
      for (const n of plan.nodes) {
        if (n.kind === 'job') assert.notEqual(n.command, '');
      }
    });
  }

  it('regression.yaml seeds follow the array index, and exactly two seeds fail', () => {
    const file = join(dir, 'regression.yaml');
    const plan = planRun(loadSpec(file), { specPath: file, launchDir: '/l', baseEnv: {} });
    const sims = plan.nodes.filter((n): n is PlannedJob => n.kind === 'job' && n.path.startsWith('regression.simulations.'));
    assert.equal(sims.length, 20);
    const failing = sims.filter((s) => (1000 + 37 * (s.arrayIndex ?? -1)) % 11 === 4).map((s) => s.ident);
    assert.deepEqual(failing, ['simulate_4', 'simulate_15']);
    assert.match(sims[4]?.args[1] ?? '', /seed=\$\(\(1000 \+ 37 \* 4\)\)/);
  });
});
