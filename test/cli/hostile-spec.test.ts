// Specs that are not files, through the command line: refused at once with one line, exit 2.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gator, tempDir } from '../helpers/cli.js';

describe('gator run on something that is not a spec file', () => {
  it('refuses /dev/zero without reading it', async () => {
    const cwd = tempDir();
    const result = await gator(['run', '/dev/zero'], { cwd });
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'gator: /dev/zero:1:1: cannot read the spec file: it is a device, not a regular file; write the spec to a file\n');
    assert.equal(existsSync(join(cwd, 'tracking')), false);
  });

  it('refuses a pipe at once, even one nobody writes to', async () => {
    const dir = tempDir();
    const fifo = join(dir, 'spec.yaml');
    execFileSync('mkfifo', [fifo]);
    const result = await gator(['run', fifo], { cwd: dir, timeoutMs: 60_000 });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /spec\.yaml:1:1: cannot read the spec file: it is a pipe, not a regular file/);
  });
});
