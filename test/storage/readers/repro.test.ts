// The repro line: one shell command that runs a job as gator ran it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { reproCommand } from '../../../storage/readers/repro.js';

const dir = mkdtempSync(join(tmpdir(), 'gator-repro-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const sh = (line: string): string => execFileSync('sh', ['-c', line], { encoding: 'utf8', env: { PATH: process.env.PATH } });

describe('reproCommand', () => {
  it('quotes every word so sh runs the same argv, env and cwd', () => {
    const awkward = `it's "quoted" $HOME \`x\` \\ end`;
    const line = reproCommand({
      argv: ['sh', '-c', 'printf "%s|%s|%s|%s\\n" "$1" "$GATOR_SEED" "$MODE" "$(pwd)"', 'argv0', awkward],
      env: { GATOR_SEED: '12345', MODE: 'a b;c' },
      cwd: dir,
      mkdir: false,
    });
    assert.ok(line !== null);
    assert.match(line, /<\/dev\/null$/);
    assert.equal(sh(line), `${awkward}|12345|a b;c|${dir}\n`);
  });

  it('creates the working directory first when the job asked for it', () => {
    const cwd = join(dir, 'scratch', '42');
    const line = reproCommand({ argv: ['pwd'], env: {}, cwd, mkdir: true });
    assert.equal(line, `mkdir -p -- ${cwd} && cd -- ${cwd} && pwd </dev/null`);
    assert.equal(sh(line ?? ''), `${cwd}\n`);
  });

  it('runs a command whose name holds = rather than taking it as a variable', () => {
    const line = reproCommand({ argv: ['printf', '%s\\n', 'a=b'], env: { X: '1' }, cwd: dir, mkdir: false }) ?? '';
    assert.equal(sh(line), 'a=b\n');
    const odd = reproCommand({ argv: ['./a=b'], env: { X: '1' }, cwd: dir, mkdir: false }) ?? '';
    assert.match(odd, /env X=1 sh -c 'exec "\$0" "\$@"' \.\/a=b/);
  });

  it('says nothing for a job whose command is not recorded', () => {
    assert.equal(reproCommand({ argv: null, env: null, cwd: null, mkdir: false }), null);
  });
});
