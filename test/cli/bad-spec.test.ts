import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { gator, ROOT, tempDir } from '../helpers/cli.js';

const BAD = join(ROOT, 'test/fixtures/specs/bad');

// Each fixture's first line says what the error must contain.
const fixtures = readdirSync(BAD)
  .filter((name) => name.endsWith('.yaml'))
  .map((name) => {
    const path = join(BAD, name);
    const expect = /^# expect: (.*)$/m.exec(readFileSync(path, 'utf8'))?.[1] ?? '';
    return { name, path, expect };
  });

describe('gator run on a bad spec', () => {
  it('has a fixture for every kind of spec error', () => {
    const kinds = [
      'yaml-syntax',
      'unknown-tag',
      'unknown-field',
      'wrong-type',
      'missing-command',
      'duplicate-ident',
      'unknown-dependency',
      'cycle',
      'negative-repeats',
      'unknown-memory-unit',
    ];
    for (const kind of kinds)
      assert.ok(
        fixtures.some((fixture) => fixture.name.startsWith(kind)),
        `no fixture for ${kind}`,
      );
  });

  for (const fixture of fixtures) {
    it(`${fixture.name}: exits 2 with one line naming file:line, and launches nothing`, async () => {
      const cwd = tempDir();
      const shown = relative(cwd, fixture.path);
      const tracking = join(cwd, 'tracking');
      const result = await gator(['run', shown, '--tracking', tracking], { cwd });
      assert.equal(result.code, 2, result.stdout + result.stderr);
      const lines = result.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0]!, new RegExp(`^gator: ${shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `));
      assert.ok(lines[0]!.includes(fixture.expect), `${lines[0]} should include ${fixture.expect}`);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
      assert.equal(existsSync(tracking), false, 'nothing may be created or launched');
    });
  }
});
