// mkdir -p for working directories, and that it ends where Node's own recursive mkdir hangs.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeDirectory } from '../../../actors/job/make-directory.js';

const dir = mkdtempSync(join(tmpdir(), 'gator-mkdir-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('makeDirectory', () => {
  it('creates missing parents, and is a no-op for a directory that exists', () => {
    const deep = join(dir, 'a', 'b', 'c');
    makeDirectory(deep);
    assert.ok(statSync(deep).isDirectory());
    makeDirectory(deep);
  });

  it('throws the OS error for a path it cannot make, instead of hanging', () => {
    writeFileSync(join(dir, 'file'), '');
    assert.throws(() => makeDirectory(join(dir, 'file', 'x')), { code: 'ENOTDIR' });
    assert.throws(() => makeDirectory('/proc/gator-cannot-exist/x'), { code: 'ENOENT' });
  });
});
