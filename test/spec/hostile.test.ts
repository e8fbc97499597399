// Hostile and huge specs: each is refused with one `file:line:col` line, quickly and in
// bounded memory, or run with a warning; none crashes the reader.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, mock } from 'node:test';
import { Alias } from 'yaml';
import { MAX_NESTING, MAX_SPEC_BYTES } from '../../spec/load.js';
import { SpecError, loadSpec, parseSpec, planRun, type Plan, type PlannedJob } from '../../spec/index.js';
import { tempDir } from '../helpers/cli.js';

const throwsSpec = (fn: () => unknown, pattern: RegExp): void => {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SpecError, `expected a SpecError, got ${String(err)}`);
    assert.match(err.message, pattern);
    assert.ok(!/[\r\n]/.test(err.message), 'one line');
    return true;
  });
};

const plan = (text: string, baseEnv: Record<string, string> = { PATH: '/usr/bin' }): Plan =>
  planRun(parseSpec(text, 'spec.yaml'), { specPath: 'spec.yaml', launchDir: '/launch', baseEnv });

describe('spec files that are not specs', () => {
  it('refuses a device without reading it (`gator run /dev/zero` once grew to 14.7 GB)', () => {
    throwsSpec(() => loadSpec('/dev/zero'), /^\/dev\/zero:1:1: cannot read the spec file: it is a device, not a regular file/);
  });

  it(`refuses a spec over ${MAX_SPEC_BYTES / 1024 / 1024} MiB before parsing it`, () => {
    const file = join(tempDir(), 'huge.yaml');
    const line = '  - !Job { command: echo, args: [a fairly long argument to fill the file up quickly] }\n';
    writeFileSync(file, `!JobGroup\n  jobs:\n${line.repeat(Math.ceil(MAX_SPEC_BYTES / line.length) + 1)}`);
    throwsSpec(() => loadSpec(file), /huge\.yaml:1:1: cannot read the spec file: it is larger than 4 MiB, the most a spec may be/);
  });
});

describe('deep nesting', () => {
  it(`says "nested deeper than ${MAX_NESTING}" for 500 levels of groups, at the first level too deep`, () => {
    let text = '';
    for (let i = 0; i < 500; i++) text += `${' '.repeat(2 * i)}${i === 0 ? '' : '- '}!JobGroup\n${' '.repeat(2 * i + 2)}jobs:\n`;
    text += `${' '.repeat(1000)}- !Job {command: echo}\n`;
    // Level 101 is the 51st group's mapping: its `jobs:` key, on line 102.
    throwsSpec(() => parseSpec(text, 'deep.yaml'), new RegExp(`^deep\\.yaml:102:\\d+: the spec is nested deeper than ${MAX_NESTING} levels`));
  });

  it('says the same for 100,000 levels of flow lists instead of running out of stack', () => {
    const text = `!Job {command: echo, args: ${'['.repeat(100_000)}${']'.repeat(100_000)}}\n`;
    throwsSpec(() => parseSpec(text, 'flow.yaml'), /^flow\.yaml:1:\d+: the spec is nested deeper than 100 levels/);
  });

  it('accepts nesting up to the limit', () => {
    // 40 levels of groups are 80 levels of mappings and lists.
    let text = '';
    for (let i = 0; i < 40; i++) text += `${' '.repeat(2 * i)}${i === 0 ? '' : '- '}!JobGroup\n${' '.repeat(2 * i + 2)}jobs:\n`;
    text += `${' '.repeat(80)}- !Job {id: leaf, command: echo}\n`;
    assert.equal(plan(text).jobCount, 1);
  });
});

describe('aliases', () => {
  it('resolves each alias without searching the document again (20,000 once took 24.6 s)', (t) => {
    const resolve = mock.method(Alias.prototype, 'resolve');
    t.after(() => resolve.mock.restore());
    const text = `!JobGroup\n  id: top\n  jobs:\n  - &j !Job { command: echo, args: [&a x] }\n${'  - *j\n'.repeat(20_000)}`;
    const p = plan(text);
    assert.equal(p.jobCount, 20_001);
    assert.equal(resolve.mock.callCount(), 0);
  });

  it('takes the closest anchor before the alias when a name is anchored twice', () => {
    const text = `!JobGroup
  id: top
  jobs:
  - !Job { id: a, command: echo, args: [&x first, *x] }
  - !Job { id: b, command: echo, args: [&x second, *x] }
`;
    const p = plan(text);
    const args = p.nodes.filter((n): n is PlannedJob => n.kind === 'job').map((n) => n.args);
    assert.deepEqual(args, [
      ['first', 'first'],
      ['second', 'second'],
    ]);
  });

  it('refuses an alias inside the node it names', () => {
    throwsSpec(() => plan('&top !JobGroup\n  id: top\n  jobs:\n  - *top\n'), /^spec\.yaml:4:5: alias \*top is inside the node it names/);
  });
});

describe('unset variables', () => {
  const spec = `!JobGroup
  id: top
  env:
    OUT: "$RESULTS/out"
  jobs:
  - !JobArray
    id: sims
    repeats: 100
    jobs:
    - !Job
      id: sim
      command: sh
      args: [-c, "for i in 1 2; do echo $i; done", "\${SEED:-1}", "$$i", "$GATOR_ARRAY_INDEX"]
`;

  it('warns once per spec location, not once per job, where an unset name expands to empty', () => {
    const p = plan(spec);
    assert.equal(p.jobCount, 100);
    assert.deepEqual(
      p.warnings?.map((w) => `${w.pos.file}:${w.pos.line}:${w.pos.col}: ${w.message}`),
      [
        'spec.yaml:4:10: $RESULTS is not set and expands to empty; write $$RESULTS for a literal $',
        'spec.yaml:13:18: $i is not set and expands to empty; write $$i for a literal $',
      ],
    );
    // The expansion itself is kept, as in Gator.
    const first = p.nodes.find((n): n is PlannedJob => n.kind === 'job')!;
    assert.deepEqual(first.args, ['-c', 'for i in 1 2; do echo ; done', '1', '$i', '0']);
    assert.equal(first.env['OUT'], '/out');
  });

  it('says nothing when every name is set, even to empty, or has a default', () => {
    const p = plan(spec, { PATH: '/usr/bin', RESULTS: '/r', i: '' });
    assert.equal(p.warnings, undefined);
  });
});
