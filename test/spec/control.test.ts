// Regression control in the spec: seeds, parameters, timeouts, retries, mkdir and pools, as
// parsed and as planned.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_RETRY_ON, SpecError, parseSpec, planRun, type Plan, type PlanOptions, type PlannedGroup, type PlannedJob } from '../../spec/index.js';
import { deriveSeed } from '../../spec/seed.js';
import { describeRule, parseRetryRule } from '../../spec/retry-rule.js';

function plan(text: string, options: Partial<PlanOptions> = {}): Plan {
  return planRun(parseSpec(text, 'spec.yaml'), { specPath: 'spec.yaml', launchDir: '/launch', baseEnv: { HOME: '/home/me' }, runSeed: 42, ...options });
}
const jobs = (p: Plan): PlannedJob[] => p.nodes.filter((n): n is PlannedJob => n.kind === 'job');
function job(p: Plan, path: string): PlannedJob {
  const n = p.nodes.find((x) => x.path === path);
  assert.ok(n !== undefined && n.kind === 'job', `no job ${path}; have ${p.nodes.map((x) => x.path).join(', ')}`);
  return n;
}
function group(p: Plan, path: string): PlannedGroup {
  const n = p.nodes.find((x) => x.path === path);
  assert.ok(n !== undefined && n.kind !== 'job', `no group ${path}`);
  return n;
}
function throwsSpec(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SpecError, `expected a SpecError, got ${String(err)}`);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('seeds in the plan', () => {
  const spec = `
!JobArray
  id: sims
  repeats: 3
  env: {PLUSARGS: "+ntb_random_seed=\${GATOR_SEED} +v"}
  jobs:
  - !Job
      id: sim
      cwd: scratch/\${GATOR_SEED}
      env: {OWN: "s$GATOR_SEED"}
      command: sim\${GATOR_ARRAY_INDEX}
      args: [--seed, "\${GATOR_SEED}", "+seed=$GATOR_SEED+$GATOR_SEED", fixed]
  - !Job {id: pinned, seed: 1234, command: sim, args: ["$GATOR_SEED"]}
`;

  it('gives every job GATOR_SEED derived from the run seed and its path', () => {
    const p = plan(spec);
    assert.equal(p.runSeed, 42);
    const sim1 = job(p, 'sims.sim_1');
    const seed = deriveSeed(42, 'sims.sim_1');
    assert.equal(sim1.seed, seed);
    assert.equal(sim1.env['GATOR_SEED'], String(seed));
    const seeds = jobs(plan(spec)).map((j) => j.seed);
    assert.deepEqual(
      seeds,
      jobs(p).map((j) => j.seed),
      'same run seed, same seeds',
    );
    assert.equal(
      new Set(
        jobs(p)
          .filter((j) => j.ident.startsWith('sim_'))
          .map((j) => j.seed),
      ).size,
      3,
      'different paths, different seeds',
    );
    assert.notDeepEqual(
      jobs(plan(spec, { runSeed: 43 })).map((j) => j.seed),
      seeds,
    );
  });

  it('expands ${GATOR_SEED} in command, args, cwd, the job env and a group env', () => {
    const p = plan(spec);
    const j = job(p, 'sims.sim_2');
    const s = String(j.seed);
    assert.equal(j.command, 'sim2');
    assert.deepEqual(j.args, ['--seed', s, `+seed=${s}+${s}`, 'fixed']);
    assert.equal(j.cwd, `/launch/scratch/${s}`);
    assert.equal(j.env['OWN'], `s${s}`);
    assert.equal(j.env['PLUSARGS'], `+ntb_random_seed=${s} +v`, 'a group env value is expanded per job');
  });

  it('records where the seed landed, so new seeds can replace it', () => {
    const j = job(plan(spec), 'sims.sim_0');
    assert.deepEqual(j.seedTemplate, {
      argv: { 2: ['', ''], 3: ['+seed=', '+', ''] },
      cwd: ['/launch/scratch/', ''],
      env: { PLUSARGS: ['+ntb_random_seed=', ' +v'], OWN: ['s', ''] },
    });
  });

  it('keeps a pinned seed whatever the run seed', () => {
    for (const runSeed of [1, 2]) {
      const j = job(plan(spec, { runSeed }), 'sims.pinned_1');
      assert.equal(j.seed, 1234);
      assert.deepEqual(j.args, ['1234']);
      assert.deepEqual(j.seedTemplate, { pinned: true, argv: { 1: ['', ''] }, env: { PLUSARGS: ['+ntb_random_seed=', ' +v'] } });
    }
  });

  it('draws a run seed when none is given', () => {
    const p = planRun(parseSpec('!Job {command: x}', 's.yaml'), { specPath: 's.yaml', launchDir: '/', baseEnv: {} });
    assert.ok(p.runSeed >= 1 && p.runSeed <= 0xffffffff);
    assert.equal(jobs(p)[0]?.seedTemplate, null);
  });
});

describe('parameters', () => {
  const spec = `
!JobArray
  id: regress
  repeats: 4
  parameters:
    TEST: [smoke, fifo, dma]
    MODE: [fast, full]
  jobs:
  - !Job {id: sim, command: run, args: ["\${TEST}", "$MODE", "$GATOR_ARRAY_INDEX"]}
`;

  it('runs the product of the values times repeats, named by values then repeat', () => {
    const p = plan(spec);
    const all = jobs(p);
    assert.equal(all.length, 24);
    assert.equal(p.jobCount, 24);
    assert.deepEqual(
      all.slice(0, 5).map((j) => j.ident),
      ['sim_smoke_fast_0', 'sim_smoke_fast_1', 'sim_smoke_fast_2', 'sim_smoke_fast_3', 'sim_smoke_full_0'],
    );
    assert.equal(all[23]?.ident, 'sim_dma_full_3');
    assert.equal(new Set(all.map((j) => j.path)).size, 24);
  });

  it('gives each instance its values as variables, in expansion and as params', () => {
    const j = job(plan(spec), 'regress.sim_fifo_full_2');
    assert.equal(j.env['TEST'], 'fifo');
    assert.equal(j.env['MODE'], 'full');
    assert.equal(j.env['GATOR_ARRAY_INDEX'], '14');
    assert.deepEqual(j.args, ['fifo', 'full', '14']);
    assert.deepEqual(j.params, { TEST: 'fifo', MODE: 'full' });
    assert.equal(j.arrayIndex, 14);
  });

  it('omits the repeat from names when there is one repeat, and merges nested parameters', () => {
    const p = plan(`
!JobArray
  id: outer
  parameters: {CFG: [a, b]}
  jobs:
  - !JobArray
      id: inner
      parameters: {TEST: [x, "y z"]}
      jobs: [!Job {id: t, command: run}]
`);
    assert.deepEqual(
      jobs(p).map((j) => j.path),
      ['outer.inner_a.t_x', 'outer.inner_a.t_y-z', 'outer.inner_b.t_x', 'outer.inner_b.t_y-z'],
    );
    assert.deepEqual(job(p, 'outer.inner_b.t_y-z').params, { CFG: 'b', TEST: 'y z' });
    assert.equal(job(p, 'outer.inner_b.t_y-z').env['CFG'], 'b');
    assert.equal(jobs(p)[0]?.params === jobs(plan(spec))[0]?.params, false);
  });

  it('rejects children whose instance names would clash', () => {
    throwsSpec(
      () => plan('!JobArray {id: a, parameters: {X: [b_c, c]}, jobs: [!Job {id: s, command: x}, !Job {id: s_b, command: x}]}'),
      /children 's' and 's_b' would both have an instance named 's_b_c'/,
    );
  });

  it('lets the job env use and override parameter values', () => {
    const p = plan('!JobArray {id: a, parameters: {T: [one]}, jobs: [!Job {id: s, env: {ARG: "+t=$T", T: two}, command: x}]}');
    assert.equal(job(p, 'a.s_one').env['ARG'], '+t=one');
    assert.equal(job(p, 'a.s_one').env['T'], 'two');
  });
});

describe('timeouts, retries and mkdir', () => {
  const spec = `
!JobGroup
  id: top
  timeout: 30m
  retries: 2
  group_timeout: 2h
  jobs:
  - !Job {id: inherits, command: x}
  - !Job {id: own, timeout: 90, retries: 0, command: x}
  - !JobArray
      id: arr
      repeats: 2
      timeout: none
      retry_on: [exit:3, {output: 'License checkout failed'}, "output:/lic.*fail/i", exit, any]
      mkdir: true
      jobs: [!Job {id: t, command: x}]
`;

  it('inherits timeout, retries, retry_on and mkdir from the nearest node that sets them', () => {
    const p = plan(spec);
    assert.deepEqual(job(p, 'top.inherits').policy, { timeout: 1800, retry: { retries: 2, on: DEFAULT_RETRY_ON }, mkdir: false });
    assert.deepEqual(job(p, 'top.own').policy.timeout, 90);
    assert.deepEqual(job(p, 'top.own').policy.retry.retries, 0);
    const t = job(p, 'top.arr.t_1');
    assert.equal(t.policy.timeout, null, 'timeout: none lifts the inherited limit');
    assert.equal(t.policy.mkdir, true);
    assert.deepEqual(t.policy.retry, {
      retries: 2,
      on: [
        { kind: 'exit', code: 3 },
        { kind: 'output', pattern: 'License checkout failed', flags: '' },
        { kind: 'output', pattern: 'lic.*fail', flags: 'i' },
        { kind: 'exit', code: null },
        { kind: 'any' },
      ],
    });
    assert.equal(job(p, 'top.arr.t_0').policy, t.policy, 'instances share one policy');
    assert.equal(group(p, 'top').groupTimeout, 7200);
    assert.equal(group(p, 'top.arr').groupTimeout, null);
  });

  it('applies --timeout to jobs without one, and --timeout-multiplier to every limit (0 lifts all)', () => {
    const p = plan(spec, { defaultTimeout: 10, timeoutMultiplier: 2 });
    assert.equal(job(p, 'top.own').policy.timeout, 180);
    assert.equal(job(p, 'top.inherits').policy.timeout, 3600);
    assert.equal(group(p, 'top').groupTimeout, 14400);
    const q = plan('!JobGroup {jobs: [!Job {id: a, command: x}]}', { defaultTimeout: 10 });
    assert.equal(job(q, 'spec.a').policy.timeout, 10);
    const off = plan(spec, { defaultTimeout: 10, timeoutMultiplier: 0 });
    assert.ok(jobs(off).every((j) => j.policy.timeout === null));
    assert.equal(group(off, 'top').groupTimeout, null);
  });

  it('reads durations in any form', () => {
    const p = plan(
      '!JobGroup {jobs: [!Job {id: a, timeout: 1h30m, command: x}, !Job {id: b, timeout: 2.5, command: x}, !Job {id: c, timeout: 0, command: x}]}',
    );
    assert.equal(job(p, 'spec.a').policy.timeout, 5400);
    assert.equal(job(p, 'spec.b').policy.timeout, 2.5);
    assert.equal(job(p, 'spec.c').policy.timeout, null);
  });

  it('rejects wrong values where they are written', () => {
    throwsSpec(() => plan('!Job {retries: -1, command: x}'), /^spec\.yaml:1:16: retries must be from 0 to 100, not -1/);
    throwsSpec(() => plan('!Job {retries: 2, retry_on: signal, command: x}'), /retry_on must be a list .* \(write retry_on: \[signal\]\)/);
    throwsSpec(() => plan('!Job {retry_on: ["exit:0"], command: x}'), /exit:<code> needs an exit code from 1 to 255, not '0'/);
    throwsSpec(() => plan('!Job {mkdir: yes please, command: x}'), /mkdir must be true or false/);
    throwsSpec(() => plan('!Job {group_timeout: 5s, command: x}'), /unknown field 'group_timeout' in !Job/);
    throwsSpec(() => plan('!Job {timout: 5s, command: x}'), /unknown field 'timout' in !Job \(did you mean 'timeout'\?\)/);
    throwsSpec(() => plan('!JobGroup {seed: 5, jobs: []}'), /unknown field 'seed' in !JobGroup/);
  });
});

describe('pools', () => {
  it('reads the top-level pools', () => {
    const p = plan('!JobGroup {pools: {cores: 4, memory: 16 GB, licenses: {VCS: 2, Xcelium: 0}}, jobs: [!Job {command: x}]}');
    assert.deepEqual({ ...p.pools, pos: undefined }, { cores: 4, memoryBytes: 16e9, licenses: { VCS: 2, Xcelium: 0 }, pos: undefined });
    assert.equal(plan('!JobGroup {jobs: []}').pools, null);
  });

  it('rejects bad pools', () => {
    throwsSpec(() => plan('!JobGroup {pools: {cores: 0}, jobs: []}'), /pools\.cores must be at least 1, not 0/);
    throwsSpec(() => plan('!JobGroup {pools: {memory: lots}, jobs: []}'), /pools\.memory: a memory size is a number and a unit/);
    throwsSpec(() => plan('!JobGroup {pools: {licenses: {VCS: -1}}, jobs: []}'), /the count of licence 'VCS' must be 0 or more/);
    throwsSpec(() => plan('!JobGroup {pools: {licenses: [VCS]}, jobs: []}'), /pools\.licenses must be a mapping/);
  });
});

describe('retry rules as text', () => {
  it('reads back every rule it writes', () => {
    for (const text of ['timeout', 'signal', 'any', 'exit', 'exit:137', 'output:License checkout failed', 'output:/lic.*fail/i', 'output://x/', 'output:a/b']) {
      const parsed = parseRetryRule(text);
      assert.ok(parsed.ok, text);
      assert.deepEqual(parseRetryRule(describeRule(parsed.rule)), parsed, text);
    }
    assert.deepEqual(parseRetryRule('output://x/'), { ok: true, rule: { kind: 'output', pattern: '/x', flags: '' } });
    assert.equal(parseRetryRule('exit:0').ok, false);
    assert.equal(parseRetryRule('signals').ok, false);
  });
});
