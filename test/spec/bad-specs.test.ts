// Every spec in test/fixtures/specs/bad must be rejected with one line
// `<path as given>:<line>:<col>: …` containing the text of its first-line `# expect:` comment.
// The second line `# at: L:C` pins the exact position for this suite.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SpecError, loadSpec, parseSpec } from '../../spec/index.js';

const dir = join('test', 'fixtures', 'specs', 'bad');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

/** assert.throws matching the SpecError's message (String(err) would prefix the name). */
function throwsSpec(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SpecError, `expected a SpecError, got ${String(err)}`);
    assert.match(err.message, pattern);
    return true;
  });
}

function expectations(text: string): { expect: string; at: string } {
  const [first = '', second = ''] = text.split('\n');
  const expect = /^# expect: (.+)$/.exec(first)?.[1];
  const at = /^# at: (\d+:\d+)$/.exec(second)?.[1];
  assert.ok(expect !== undefined, 'first line must be `# expect: <substring>`');
  assert.ok(at !== undefined, 'second line must be `# at: <line>:<col>`');
  return { expect, at };
}

describe('bad specs', () => {
  it('covers every kind of error the language defines', () => {
    const kinds = [
      'yaml-syntax',
      'unknown-tag',
      'untagged-top',
      'untagged-child',
      'unknown-field',
      'wrong-type-args',
      'wrong-type-repeats',
      'wrong-type-env',
      'wrong-type-on-pass',
      'missing-command',
      'duplicate-ident',
      'unknown-dependency',
      'cycle',
      'self-dependency',
      'negative-repeats',
      'unknown-memory-unit',
      'id-and-ident',
      'bad-ident',
      'two-cores',
      'two-memory',
      'same-license',
    ];
    for (const kind of kinds) assert.ok(files.includes(`${kind}.yaml`), `missing fixture ${kind}.yaml`);
  });

  for (const f of files) {
    it(f, () => {
      const file = join(dir, f);
      const { expect, at } = expectations(readFileSync(file, 'utf8'));
      assert.throws(
        () => loadSpec(file),
        (err: unknown) => {
          assert.ok(err instanceof SpecError, `expected a SpecError, got ${String(err)}`);
          assert.ok(err.message.startsWith(`${file}:${at}: `), `position: ${err.message}`);
          assert.ok(err.message.includes(expect), `text: ${err.message}`);
          assert.ok(!/[\r\n]/.test(err.message), 'one line');
          assert.equal(`${err.file}:${err.line}:${err.col}`, `${file}:${at}`);
          return true;
        },
      );
    });
  }
});

describe('error order', () => {
  it('reports the first problem in the document, whichever check finds it', () => {
    // A duplicate ident (a sibling check, run after reading) comes before a type error.
    const text = [
      '!JobGroup',
      '  id: top',
      '  jobs:',
      '    - !Job {id: a, command: echo}',
      '    - !Job {id: a, command: echo}',
      '    - !Job {id: c, command: echo, args: 5}',
    ].join('\n');
    throwsSpec(() => parseSpec(text, 'x.yaml'), /^x\.yaml:5:17: duplicate ident 'a'/);
  });

  it('reports an earlier type error before a later unknown dependency', () => {
    const text = [
      '!JobGroup',
      '  id: top',
      '  jobs:',
      '    - !Job {id: a, command: echo, env: [x]}',
      '    - !Job {id: b, command: echo, on_pass: [nope]}',
    ].join('\n');
    throwsSpec(() => parseSpec(text, 'x.yaml'), /^x\.yaml:4:40: env must be a mapping/);
  });

  it('does not report knock-on problems of an unreadable child', () => {
    // `b` cannot be read (unknown tag), so `c`'s dependency on it is not also reported.
    const text = ['!JobGroup', '  id: top', '  jobs:', '    - !Jb {id: b, command: echo}', '    - !Job {id: c, command: echo, on_pass: [b]}'].join('\n');
    throwsSpec(() => parseSpec(text, 'x.yaml'), /^x\.yaml:4:7: unknown tag '!Jb'/);
  });
});

describe('loadSpec', () => {
  it('reports an unreadable file at 1:1 with the OS reason, naming the file as given', () => {
    assert.throws(
      () => loadSpec('no/such/spec.yaml'),
      (err: unknown) => {
        assert.ok(err instanceof SpecError);
        assert.equal(err.message, 'no/such/spec.yaml:1:1: cannot read the spec file: no such file or directory (ENOENT)');
        assert.ok(err.cause instanceof Error);
        return true;
      },
    );
  });

  it('reports a directory as unreadable', () => {
    throwsSpec(() => loadSpec('test'), /^test:1:1: cannot read the spec file: it is a directory, not a regular file/);
  });
});

describe('SpecError', () => {
  it('is one line with file, line and column, and keeps its cause', () => {
    const cause = new Error('inner');
    const e = new SpecError('a.yaml', 3, 7, 'something\nwent wrong', { cause });
    assert.equal(e.message, 'a.yaml:3:7: something went wrong');
    assert.equal(e.name, 'SpecError');
    assert.equal(e.problem, 'something went wrong');
    assert.deepEqual(e.pos, { file: 'a.yaml', line: 3, col: 7 });
    assert.equal(e.cause, cause);
    assert.ok(e instanceof Error);
  });
});
