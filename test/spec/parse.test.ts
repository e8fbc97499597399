// The parsed AST (NodeSpec) for the good fixtures: both field spellings, mapping and
// positional forms, resource shorthands and units, aliases, and positions.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SpecError, loadSpec, parseSpec, planRun, type ArraySpec, type GroupSpec, type JobSpec, type NodeSpec } from '../../spec/index.js';

const good = join('test', 'fixtures', 'specs', 'good');

function child(node: NodeSpec, index: number): NodeSpec {
  assert.ok(node.kind !== 'job', `${node.ident ?? '?'} has no children`);
  const c = node.jobs[index];
  assert.ok(c !== undefined, `no child ${index}`);
  return c;
}
function asJob(node: NodeSpec): JobSpec {
  assert.equal(node.kind, 'job');
  return node;
}
function asGroup(node: NodeSpec): GroupSpec {
  assert.equal(node.kind, 'group');
  return node;
}
function asArray(node: NodeSpec): ArraySpec {
  assert.equal(node.kind, 'array');
  return node;
}
function throwsSpec(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SpecError, `expected a SpecError, got ${String(err)}`);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('good specs', () => {
  for (const f of readdirSync(good).filter((n) => n.endsWith('.yaml'))) {
    it(`${f} parses`, () => {
      loadSpec(join(good, f));
    });
  }

  it('mapping form: every field', () => {
    const file = join(good, 'mapping.yaml');
    const top = asGroup(loadSpec(file));
    assert.equal(top.ident, 'top');
    assert.deepEqual(top.env, { LEVEL: 'top', COUNT: '3' });
    assert.equal(top.cwd, '/tmp');
    assert.deepEqual(top.pos, { file, line: 2, col: 1 });
    const build = asJob(child(top, 0));
    assert.equal(build.ident, 'build');
    assert.equal(build.command, 'make');
    assert.deepEqual(build.args, ['all', '-j', '8']);
    assert.equal(build.cwd, 'build');
    assert.deepEqual(build.env, { CC: 'gcc' });
    assert.deepEqual(build.pos, { file, line: 9, col: 7 });
    assert.deepEqual(
      build.resources.map((r) => ({ ...r, pos: r.pos.line })),
      [
        { kind: 'cores', count: 3, pos: 16 },
        { kind: 'memory', bytes: 1_500_000_000, pos: 17 },
        { kind: 'license', name: 'ToolA', count: 2, pos: 18 },
        { kind: 'license', name: 'ToolB', count: 1, pos: 19 },
      ],
    );
    const sims = asArray(child(top, 1));
    assert.equal(sims.repeats, 5);
    assert.deepEqual(
      sims.onPass.map((d) => d.ident),
      ['build'],
    );
    assert.deepEqual(sims.onPass[0]?.pos, { file, line: 23, col: 19 });
    assert.equal(sims.fieldPos?.['repeats']?.line, 22);
    const report = asGroup(child(top, 2));
    assert.deepEqual(report.jobs, []);
    assert.deepEqual(
      report.onDone.map((d) => d.ident),
      ['sims'],
    );
    assert.deepEqual(report.onFail, []);
    assert.deepEqual(
      report.onPass.map((d) => d.ident),
      ['build'],
    );
  });

  it("positional form: Gator's field orders", () => {
    const top = asGroup(loadSpec(join(good, 'positional.yaml')));
    assert.equal(top.ident, 'top');
    assert.deepEqual(top.env, { LEVEL: 'top' });
    assert.equal(top.cwd, '/work');
    const build = asJob(child(top, 0));
    assert.equal(build.ident, 'build');
    assert.deepEqual(build.env, { CC: 'gcc' });
    assert.equal(build.cwd, undefined);
    assert.equal(build.command, 'make');
    assert.deepEqual(build.args, ['all']);
    assert.deepEqual(
      build.resources.map((r) => r.kind),
      ['cores', 'memory', 'license'],
    );
    const sims = asArray(child(top, 1));
    assert.equal(sims.repeats, 2);
    assert.deepEqual(sims.env, { SEED: '7' });
    assert.deepEqual(sims.onFail, []);
    assert.deepEqual(
      sims.onPass.map((d) => d.ident),
      ['build'],
    );
    const run = asJob(child(sims, 0));
    assert.equal(run.cwd, '/tmp');
    assert.equal(run.command, 'sim');
    const after = asJob(child(top, 2));
    assert.deepEqual(
      after.onDone.map((d) => d.ident),
      ['sims'],
    );
    assert.deepEqual(after.onFail, []);
    assert.deepEqual(after.onPass, []);
  });

  it("Gator's test_spec_job_parse values", () => {
    const job = asJob(child(loadSpec(join(good, 'gator-test-job.yaml')), 3));
    assert.equal(job.ident, 'id_123');
    assert.deepEqual(job.env, { key_a: '2345', key_b: 'a string' });
    assert.equal(job.cwd, '/path/to/working/dir');
    assert.equal(job.command, 'echo');
    assert.deepEqual(job.args, ['String to print']);
    assert.deepEqual(
      job.resources.map(({ pos: _pos, ...r }) => r),
      [
        { kind: 'cores', count: 3 },
        { kind: 'license', name: 'A', count: 2 },
        { kind: 'memory', bytes: 1e9 },
      ],
    );
    assert.deepEqual(
      job.onDone.map((d) => d.ident),
      ['job_a'],
    );
    assert.deepEqual(
      job.onFail.map((d) => d.ident),
      ['job_b'],
    );
    assert.deepEqual(
      job.onPass.map((d) => d.ident),
      ['job_c'],
    );
  });

  it('resource shorthands and memory units (decimal KB = 1000 bytes)', () => {
    const top = asGroup(loadSpec(join(good, 'scalar-resources.yaml')));
    const res = top.jobs.map((j) => asJob(j).resources.map(({ pos: _pos, ...r }) => r));
    assert.deepEqual(res, [
      [
        { kind: 'cores', count: 4 },
        { kind: 'memory', bytes: 512e6 },
        { kind: 'license', name: 'ToolA', count: 1 },
      ],
      [{ kind: 'memory', bytes: 1.5e9 }],
      [{ kind: 'memory', bytes: 2048 }],
      [{ kind: 'memory', bytes: 3000 }],
      [{ kind: 'memory', bytes: 2 ** 40 }],
      [{ kind: 'memory', bytes: 10e6 }],
    ]);
  });

  it('aliases are read like the anchored node', () => {
    const top = asGroup(loadSpec(join(good, 'aliases.yaml')));
    const one = asJob(child(top, 0));
    assert.deepEqual(one.env, { TOOL: 'sim' });
    const again = asJob(child(child(top, 1), 0));
    assert.equal(again.ident, 'one');
    assert.deepEqual(again.args, ['a', 'b']);
    assert.deepEqual(asJob(child(top, 2)).args, ['a', 'b']);
  });

  it('unnamed nodes keep ident undefined', () => {
    const top = asGroup(loadSpec(join(good, 'unnamed.yaml')));
    assert.equal(top.ident, undefined);
    assert.equal(child(top, 0).ident, undefined);
    assert.equal(asArray(child(top, 2)).repeats, 2);
  });
});

describe('language details', () => {
  it('accepts `id` and `ident`, integers in env and args, and a default repeats of 1', () => {
    const spec = asArray(parseSpec('!JobArray\n  ident: a\n  jobs:\n    - !Job {id: j, command: x, args: [1, 0x10, b], env: {N: 7}}\n', 's.yaml'));
    assert.equal(spec.repeats, 1);
    const j = asJob(child(spec, 0));
    assert.deepEqual(j.args, ['1', '16', 'b']);
    assert.deepEqual(j.env, { N: '7' });
  });

  it('accepts repeats: 0', () => {
    assert.equal(asArray(parseSpec('!JobArray {id: a, repeats: 0, jobs: [!Job {command: x}]}', 's.yaml')).repeats, 0);
  });

  it('treats null fields as absent', () => {
    const j = asJob(parseSpec('!Job\n  id: a\n  cwd:\n  env:\n  args:\n  command: x\n', 's.yaml'));
    assert.equal(j.cwd, undefined);
    assert.deepEqual(j.env, {});
    assert.deepEqual(j.args, []);
  });

  it('accepts a bare tag as an empty node', () => {
    const g = asGroup(parseSpec('!JobGroup {id: g, jobs: [!JobGroup]}', 's.yaml'));
    assert.deepEqual(asGroup(child(g, 0)).jobs, []);
  });

  it('positions point at tags, keys and values', () => {
    const text = '!JobGroup\n  id: top\n  jobs:\n    - !Job\n        id: a\n        command: echo\n';
    const g = asGroup(parseSpec(text, 'p.yaml'));
    assert.deepEqual(g.pos, { file: 'p.yaml', line: 1, col: 1 });
    assert.deepEqual(child(g, 0).pos, { file: 'p.yaml', line: 4, col: 7 });
    assert.deepEqual(child(g, 0).fieldPos?.['ident'], { file: 'p.yaml', line: 5, col: 13 });
  });

  it('rejects what Gator rejects in env and args', () => {
    throwsSpec(
      () => parseSpec('!Job {id: a, command: x, env: {A: [1]}}', 'e.yaml'),
      /^e\.yaml:1:35: env value of 'A' must be a string or an integer, not a sequence$/,
    );
    throwsSpec(
      () => parseSpec('!Job {id: a, command: x, args: [1.5]}', 'e.yaml'),
      /^e\.yaml:1:33: args entry 0 must be a string or an integer, not the number 1\.5/,
    );
    throwsSpec(() => parseSpec('!Job {id: a, command: x, env: {A: }}', 'e.yaml'), /^e\.yaml:1:35: env value of 'A' must be a string or an integer, not null$/);
  });

  it('rejects unknown fields of resources, with the allowed list', () => {
    throwsSpec(
      () => parseSpec('!Job {id: a, command: x, resources: [!Cores {cores: 2}]}', 'r.yaml'),
      /^r\.yaml:1:46: unknown field 'cores' in !Cores; allowed fields: count$/,
    );
  });

  it('rejects a license without a name and bad shorthand resources', () => {
    throwsSpec(() => parseSpec('!Job {id: a, command: x, resources: [!License {count: 2}]}', 'r.yaml'), /^r\.yaml:1:38: !License needs a name$/);
    throwsSpec(() => parseSpec('!Job {id: a, command: x, resources: [!Cores lots]}', 'r.yaml'), /!Cores takes a count/);
    throwsSpec(() => parseSpec('!Job {id: a, command: x, resources: [!Memory 5 XB]}', 'r.yaml'), /unknown memory unit 'XB'/);
  });

  it('rejects an untagged list at the top', () => {
    throwsSpec(
      () => parseSpec('- !Job {command: x}\n', 't.yaml'),
      /^t\.yaml:1:1: the top level must be a !JobGroup, !JobArray or !Job, not an untagged sequence$/,
    );
  });

  it('rejects bad $VAR syntax where it is written', () => {
    throwsSpec(() => parseSpec('!Job {id: a, command: "${X:=1}"}', 'v.yaml'), /^v\.yaml:1:23: bad variable reference in command: unsupported expansion/);
    throwsSpec(() => parseSpec('!Job {id: a, command: x, cwd: "${}"}', 'v.yaml'), /^v\.yaml:1:31: bad variable reference in cwd/);
  });

  it('reads nested aliases in linear time, sharing the aliased node', () => {
    // Each level doubles the tree: 2^30 jobs once expanded. Reading shares the aliased nodes;
    // planning refuses the expansion by size.
    const lines = ['!JobGroup', '  id: top', '  jobs:', '    - &l0 !Job {command: x}'];
    for (let i = 1; i <= 30; i++) lines.push(`    - &l${i} !JobGroup {jobs: [*l${i - 1}, *l${i - 1}]}`);
    const spec = asGroup(parseSpec(lines.join('\n'), 'a.yaml'));
    const l1 = asGroup(child(spec, 1));
    assert.equal(l1.jobs[0], l1.jobs[1]);
    throwsSpec(
      () => planRun(spec, { specPath: 'a.yaml', launchDir: '/', baseEnv: {} }),
      /^a\.yaml:\d+:\d+: this spec expands to \d+ jobs, groups and arrays, more than the 250000/,
    );
  });
});
