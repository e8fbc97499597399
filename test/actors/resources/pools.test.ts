// Pools from the command line, the spec and the machine; requests; refusing impossible jobs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findImpossible, requestOf, resolvePools } from '../../../actors/resources/pools.js';
import { formatBytes } from '../../../vocabulary/wording.js';
import { parseSpec, planRun } from '../../../spec/index.js';

const machine = { cpus: 2, totalMemoryBytes: 10e9 };

describe('resolvePools', () => {
  it('defaults to the CPUs (or -j when larger), 90% of RAM, and no licence pools', () => {
    assert.deepEqual(resolvePools(2, { licenses: {} }, null, machine), { slots: 2, cores: 2, memoryBytes: 9e9, licenses: null });
    assert.equal(resolvePools(8, { licenses: {} }, null, machine).cores, 8);
  });

  it('takes the spec pools, and the command line over them', () => {
    const spec = { cores: 4, memoryBytes: 5e9, licenses: { VCS: 2, XLM: 1 }, pos: { file: 's', line: 1, col: 1 } };
    assert.deepEqual(resolvePools(2, { licenses: {} }, spec, machine), { slots: 2, cores: 4, memoryBytes: 5e9, licenses: { VCS: 2, XLM: 1 } });
    assert.deepEqual(resolvePools(2, { cores: 1, memoryBytes: 1e9, licenses: { VCS: 5 } }, spec, machine), {
      slots: 2,
      cores: 1,
      memoryBytes: 1e9,
      licenses: { VCS: 5, XLM: 1 },
    });
  });
});

describe('requests and impossible jobs', () => {
  const plan = planRun(
    parseSpec(
      `!JobGroup
  id: top
  jobs:
  - !Job {id: plain, command: x}
  - !Job {id: lic, command: x, resources: [!License VCS]}
  - !Job {id: big, command: x, resources: [!Cores 64]}
`,
      'spec.yaml',
    ),
    { specPath: 'spec.yaml', launchDir: '/', baseEnv: {} },
  );

  it('gives a job one core unless it asks for more', () => {
    const plain = plan.nodes.find((n) => n.path === 'top.plain');
    assert.ok(plain?.kind === 'job');
    assert.deepEqual(requestOf(plain.resources), { cores: 1, memoryBytes: 0, licenses: {} });
  });

  it('names the first job that could never start, with its position', () => {
    const found = findImpossible(plan, resolvePools(2, { licenses: {} }, null, machine));
    assert.equal(found?.path, 'top.big');
    assert.equal(found?.problem, "job 'top.big' asks for 64 cores, but the run has 2 (--cores)");
    assert.deepEqual(found?.pos, { file: 'spec.yaml', line: 6, col: 5 });
    const licensed = findImpossible(plan, resolvePools(2, { cores: 64, licenses: { XLM: 2 } }, null, machine));
    assert.match(licensed?.problem ?? '', /^job 'top\.lic' asks for licence 'VCS', which the run does not have \(it has XLM=2; add --license VCS=N/);
    assert.equal(findImpossible(plan, resolvePools(2, { cores: 64, licenses: {} }, null, machine)), undefined);
  });

  it('formats memory the way !Memory reads it', () => {
    assert.equal(formatBytes(16e9), '16 GB');
    assert.equal(formatBytes(1.5e6), '1.5 MB');
    assert.equal(formatBytes(12), '12 bytes');
  });
});
