import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gator } from '../helpers/cli.js';

describe('gator --help', () => {
  it('lists every command and the exit codes', async () => {
    const result = await gator(['--help']);
    assert.equal(result.code, 0);
    for (const command of ['run', 'query', 'replay', 'report', 'runs', 'rerun']) assert.match(result.stdout, new RegExp(`^\\s+${command}\\b`, 'm'));
    assert.match(result.stdout, /130 interrupted/);
  });

  it('describes every run option', async () => {
    const result = await gator(['run', '--help']);
    assert.equal(result.code, 0);
    for (const option of [
      '--tracking',
      '--jobs',
      '--interval',
      '--limit-warning',
      '--limit-error',
      '--limit-critical',
      '--grace',
      '--verbose',
      '--quiet',
      '--all-msg',
      '--progress',
      '--json',
    ]) {
      assert.ok(result.stdout.includes(option), `missing ${option}`);
    }
  });

  it('exits 2 with one line on a usage error', async () => {
    const missing = await gator(['run']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing required argument 'spec'/);
    const badValue = await gator(['run', 'x.yaml', '-j', 'zero']);
    assert.equal(badValue.code, 2);
    assert.match(badValue.stderr, /expected a whole number/);
  });
});
