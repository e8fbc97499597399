// planRun: ids, paths, env overlay, $VAR expansion, cwd, dependencies, arrays.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  SpecError,
  loadSpec,
  parseSpec,
  planRun,
  type NodeSpec,
  type Plan,
  type PlanOptions,
  type PlannedGroup,
  type PlannedJob,
  type PlannedNode,
} from '../../spec/index.js';
import { deriveSeed } from '../../spec/seed.js';

/** GATOR_SEED of the job at `path` in plan `p`. */
const seedOf = (p: Plan, path: string): string => String(deriveSeed(p.runSeed, path));

const BASE = { PATH: '/usr/bin', HOME: '/home/me', TOOL: 'simx' } as const;

function plan(text: string, options: Partial<PlanOptions> = {}): Plan {
  return planRun(parseSpec(text, 'spec.yaml'), { specPath: 'spec.yaml', launchDir: '/launch', baseEnv: BASE, ...options });
}
function byPath(p: Plan, path: string): PlannedNode {
  const n = p.nodes.find((x) => x.path === path);
  assert.ok(n !== undefined, `no node ${path}; have ${p.nodes.map((x) => x.path).join(', ')}`);
  return n;
}
function job(p: Plan, path: string): PlannedJob {
  const n = byPath(p, path);
  assert.equal(n.kind, 'job');
  return n;
}
function group(p: Plan, path: string): PlannedGroup {
  const n = byPath(p, path);
  assert.notEqual(n.kind, 'job');
  return n as PlannedGroup;
}
function throwsSpec(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SpecError, `expected a SpecError, got ${String(err)}`);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('planRun: tree shape', () => {
  const seed = 'examples/seed-readme.yaml';
  const p = planRun(loadSpec(seed), { specPath: seed, launchDir: '/launch', baseEnv: BASE });

  it('numbers nodes in pre-order from 0 with subtree ranges', () => {
    assert.deepEqual(
      p.nodes.map((n) => [n.id, n.parentId, n.kind, n.path, n.subtreeEnd]),
      [
        [0, null, 'group', 'top', 8],
        [1, 0, 'group', 'top.inner', 2],
        [2, 1, 'job', 'top.inner.say_hi', 2],
        [3, 0, 'job', 'top.say_bye', 3],
        [4, 0, 'array', 'top.counting', 8],
        [5, 4, 'job', 'top.counting.echo_count_0', 5],
        [6, 4, 'job', 'top.counting.echo_count_1', 6],
        [7, 4, 'job', 'top.counting.echo_count_2', 7],
        [8, 4, 'job', 'top.counting.echo_count_3', 8],
      ],
    );
    assert.deepEqual(group(p, 'top').children, [1, 3, 4]);
    assert.deepEqual(group(p, 'top.counting').children, [5, 6, 7, 8]);
    assert.equal(p.jobCount, 6);
    assert.equal(p.specPath, '/launch/examples/seed-readme.yaml');
  });

  it('expands the array index into args and env, and sets arrayIndex', () => {
    const j = job(p, 'top.counting.echo_count_2');
    assert.equal(j.ident, 'echo_count_2');
    assert.equal(j.command, 'echo');
    assert.deepEqual(j.args, ['2']);
    assert.deepEqual(j.env, { GATOR_ARRAY_INDEX: '2', GATOR_ARRAY_INDICES: '2', GATOR_SEED: seedOf(p, j.path) });
    assert.equal(j.arrayIndex, 2);
    assert.deepEqual(j.arrayIndices, [2]);
    assert.equal(job(p, 'top.say_bye').arrayIndex, null);
    assert.deepEqual(job(p, 'top.say_bye').arrayIndices, []);
  });

  it('interleaves array children per instance: a_0, b_0, a_1, b_1', () => {
    const q = plan('!JobArray {id: arr, repeats: 2, jobs: [!Job {id: a, command: x}, !JobGroup {id: g, jobs: [!Job {id: c, command: y}]}]}');
    assert.deepEqual(
      q.nodes.map((n) => [n.id, n.path, n.subtreeEnd, n.arrayIndex]),
      [
        [0, 'arr', 6, null],
        [1, 'arr.a_0', 1, 0],
        [2, 'arr.g_0', 3, 0],
        [3, 'arr.g_0.c', 3, 0],
        [4, 'arr.a_1', 4, 1],
        [5, 'arr.g_1', 6, 1],
        [6, 'arr.g_1.c', 6, 1],
      ],
    );
    assert.deepEqual(group(q, 'arr').children, [1, 2, 4, 5]);
    assert.equal(q.jobCount, 4);
  });

  it('names unnamed children T<position>, and T<position>_<i> in arrays', () => {
    const q = planRun(loadSpec('test/fixtures/specs/good/unnamed.yaml'), { specPath: 'test/fixtures/specs/good/unnamed.yaml', launchDir: '/l', baseEnv: {} });
    assert.deepEqual(
      q.nodes.map((n) => n.path),
      ['unnamed', 'unnamed.T0', 'unnamed.named', 'unnamed.T2', 'unnamed.T2.T0_0', 'unnamed.T2.T0_1'],
    );
  });

  it('plans repeats: 0 as an array without instances', () => {
    const q = planRun(loadSpec('test/fixtures/specs/good/empty-array.yaml'), { specPath: 'x.yaml', launchDir: '/l', baseEnv: {} });
    assert.deepEqual(
      q.nodes.map((n) => [n.path, n.subtreeEnd]),
      [
        ['top', 2],
        ['top.none', 1],
        ['top.after', 2],
      ],
    );
    assert.deepEqual(group(q, 'top.none').children, []);
    assert.deepEqual(job(q, 'top.after').deps.pass, [1]);
    assert.equal(q.jobCount, 1);
  });
});

describe('planRun: root ident', () => {
  const unnamed = '!JobGroup {jobs: [!Job {id: a, command: x}]}';
  it('uses the spec ident first', () => {
    assert.equal(plan('!JobGroup {id: mine, jobs: []}', { rootIdent: 'other' }).nodes[0]?.path, 'mine');
  });
  it('then options.rootIdent', () => {
    assert.equal(plan(unnamed, { rootIdent: 'given' }).nodes[1]?.path, 'given.a');
  });
  it("then the spec file's stem, made a valid ident", () => {
    assert.equal(plan(unnamed, { specPath: 'dir/nightly.yaml' }).nodes[0]?.ident, 'nightly');
    assert.equal(plan(unnamed, { specPath: 'my.big spec.yml' }).nodes[0]?.ident, 'my_big_spec');
  });
  it('rejects a bad rootIdent', () => {
    throwsSpec(() => plan(unnamed, { rootIdent: 'a.b' }), /^spec\.yaml:1:1: the root ident given to run this spec is not valid: bad ident 'a\.b'/);
  });
});

describe('planRun: environment', () => {
  const p = planRun(loadSpec('test/fixtures/specs/good/env.yaml'), { specPath: 'env.yaml', launchDir: '/launch', baseEnv: BASE });

  it('overlays spec env layers (child wins) without copying the OS env, and expands env values from what is inherited', () => {
    const j = job(p, 'top.outer.inner_1.leaf_2');
    assert.deepEqual(j.env, {
      PATH: '/usr/bin:/opt/tools/bin',
      MODE: 'outer',
      ROOT: '/work/nobody',
      GATOR_ARRAY_INDEX: '2',
      GATOR_ARRAY_INDICES: '1,2',
      GATOR_SEED: seedOf(p, j.path),
      SEED: '1,2-2',
    });
    assert.equal(Object.hasOwn(j.env, 'HOME'), false);
  });

  it('keeps the outer index of nested arrays in GATOR_ARRAY_INDICES and arrayIndices', () => {
    const j = job(p, 'top.outer.inner_1.leaf_2');
    assert.equal(j.arrayIndex, 2);
    assert.deepEqual(j.arrayIndices, [1, 2]);
    const inner = group(p, 'top.outer.inner_1');
    assert.equal(inner.arrayIndex, 1);
    assert.deepEqual(inner.arrayIndices, [1]);
  });

  it('expands command and args from the full environment (OS env under the plan env)', () => {
    const j = job(p, 'top.outer.inner_0.leaf_1');
    assert.equal(j.command, 'simx');
    assert.deepEqual(j.args, ['outer', '0,1-1', '$HOME', '', 'cost: 5$', 'fallback']);
  });

  it('lets a deeper env override GATOR_ARRAY_INDEX', () => {
    const j = job(p, 'top.outer.override_1');
    assert.deepEqual(j.args, ['99', '1']);
    assert.equal(j.env['GATOR_ARRAY_INDEX'], '99');
  });

  it('resolves cwd: own, else inherited (expanded per job), relative to the launch dir', () => {
    assert.equal(job(p, 'top.outer.inner_0.leaf_1').cwd, '/launch/runs/1');
    assert.equal(job(p, 'top.outer.override_0').cwd, '/work/nobody/out');
    const q = plan('!JobGroup {id: g, jobs: [!Job {id: a, command: x}, !Job {id: b, command: x, cwd: sub/dir}, !Job {id: c, command: x, cwd: "$HOME/w"}]}');
    assert.equal(job(q, 'g.a').cwd, '/launch');
    assert.equal(job(q, 'g.b').cwd, '/launch/sub/dir');
    assert.equal(job(q, 'g.c').cwd, '/home/me/w');
  });

  it('reads an env value from the OS env when no layer sets it', () => {
    const q = plan('!JobGroup {id: g, env: {P: "${PATH}:/x"}, jobs: [!Job {id: a, env: {P: "$P:/y"}, command: x, args: ["$P"]}]}');
    assert.deepEqual(job(q, 'g.a').args, ['/usr/bin:/x:/y']);
    assert.deepEqual(job(q, 'g.a').env, { P: '/usr/bin:/x:/y', GATOR_SEED: seedOf(q, 'g.a') });
  });

  it('rejects a command that expands to nothing', () => {
    throwsSpec(() => plan('!Job {id: a, command: $UNSET_TOOL}'), /^spec\.yaml:1:23: the command of 'a' \('\$UNSET_TOOL'\) expands to an empty string$/);
  });
});

describe('planRun: dependencies and resources', () => {
  const p = planRun(loadSpec('test/fixtures/specs/good/deps.yaml'), { specPath: 'deps.yaml', launchDir: '/l', baseEnv: {} });

  it('resolves a dependency on a sibling array to the array node', () => {
    assert.deepEqual(
      p.nodes.map((n) => [n.id, n.path]),
      [
        [0, 'top'],
        [1, 'top.build'],
        [2, 'top.sims'],
        [3, 'top.sims.gen_0'],
        [4, 'top.sims.run_0'],
        [5, 'top.sims.gen_1'],
        [6, 'top.sims.run_1'],
        [7, 'top.sims.gen_2'],
        [8, 'top.sims.run_2'],
        [9, 'top.report'],
      ],
    );
    assert.deepEqual(group(p, 'top.sims').deps, { pass: [1], fail: [], done: [] });
    assert.deepEqual(job(p, 'top.report').deps, { pass: [], fail: [1], done: [2, 1] });
  });

  it('resolves a dependency inside an array to every instance of the sibling', () => {
    for (const i of [0, 1, 2]) {
      assert.deepEqual(job(p, `top.sims.run_${i}`).deps, { pass: [3, 5, 7], fail: [], done: [3, 5, 7] });
      assert.deepEqual(job(p, `top.sims.gen_${i}`).deps, { pass: [], fail: [], done: [] });
    }
  });

  it('normalises resources', () => {
    const q = planRun(loadSpec('test/fixtures/specs/good/mapping.yaml'), { specPath: 'm.yaml', launchDir: '/l', baseEnv: {} });
    assert.deepEqual(job(q, 'top.build').resources, { cores: 3, memoryBytes: 1.5e9, licenses: { ToolA: 2, ToolB: 1 } });
    assert.deepEqual(job(q, 'top.sims.run_0').resources, { cores: 0, memoryBytes: 0, licenses: {} });
  });

  it('validates a hand-built spec too', () => {
    const pos = { file: 'hand.ts', line: 1, col: 1 };
    const leaf = (ident: string, on: string): NodeSpec => ({
      kind: 'job',
      ident,
      env: {},
      cwd: undefined,
      pos,
      command: 'x',
      args: [],
      resources: [],
      onPass: [{ ident: on, pos: { file: 'hand.ts', line: 2, col: 3 } }],
      onFail: [],
      onDone: [],
    });
    const root: NodeSpec = {
      kind: 'group',
      ident: 'g',
      env: {},
      cwd: undefined,
      pos,
      jobs: [leaf('a', 'b'), leaf('b', 'a')],
      onPass: [],
      onFail: [],
      onDone: [],
    };
    throwsSpec(() => planRun(root, { specPath: 'hand.yaml', launchDir: '/', baseEnv: {} }), /^hand\.ts:2:3: dependency cycle: a -> b -> a/);
  });
});

describe('planRun: scale', () => {
  it('plans a !JobArray of 100,000 jobs', () => {
    const text = [
      '!JobGroup',
      '  id: top',
      '  jobs:',
      '    - !Job {id: build, command: make}',
      '    - !JobArray',
      '        id: sims',
      '        repeats: 100000',
      '        on_pass: [build]',
      '        jobs:',
      '          - !Job {id: run, command: sim, args: [--seed, "$GATOR_ARRAY_INDEX"], resources: [!Cores 1]}',
      '    - !Job {id: report, command: rep, on_done: [sims]}',
    ].join('\n');
    const p = plan(text);
    assert.equal(p.nodes.length, 100_004);
    assert.equal(p.jobCount, 100_002);
    const last = job(p, 'top.sims.run_99999');
    assert.equal(last.id, 100_002);
    assert.equal(p.nodes[100_002], last);
    assert.equal(last.parentId, 2);
    assert.deepEqual(last.args, ['--seed', '99999']);
    assert.deepEqual(last.env, { GATOR_ARRAY_INDEX: '99999', GATOR_ARRAY_INDICES: '99999', GATOR_SEED: seedOf(p, last.path) });
    const first = p.nodes[3] as PlannedJob;
    assert.equal(first.path, 'top.sims.run_0');
    // What does not vary between instances is shared, not copied.
    assert.equal(first.resources, last.resources);
    assert.equal(first.deps, last.deps);
    assert.equal(group(p, 'top.sims').children.length, 100_000);
    assert.equal(group(p, 'top.sims').subtreeEnd, 100_002);
    assert.deepEqual(job(p, 'top.report').deps.done, [2]);
    p.nodes.forEach((n, i) => assert.equal(n.id, i));
  });
});

describe('planRun: examples', () => {
  it('plans every example with paths relative to where it was started', () => {
    const file = join('examples', 'job_tree.yaml');
    const p = planRun(loadSpec(file), { specPath: file, launchDir: '/l', baseEnv: {} });
    assert.equal(p.jobCount, 19);
    assert.deepEqual(job(p, 'tree.inner.say_hi').args, ['hi', 'hello_inner', 'goodbye', 'innermost']);
    assert.deepEqual(job(p, 'tree.say_bye').env, { TEST_A: 'hello', TEST_B: 'goodbye', TEST_C: 'direct', GATOR_SEED: seedOf(p, 'tree.say_bye') });
  });
});
