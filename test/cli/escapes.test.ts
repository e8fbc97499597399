// What a job prints is untrusted: wherever it reaches a terminal (the live console, `gator
// query` in every format, replay) its escape sequences and bidirectional controls are shown,
// never obeyed. Into a pipe or file, the data formats keep it as it was.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Tmux, tmuxAvailable } from '../helpers/console/tmux.js';
import { gator, GATOR, tempDir, waitFor, writeSpec } from '../helpers/cli.js';

/** Clear the screen, set the window title, write the clipboard (OSC 52), a C1 CSI, then a right-to-left override. */
const HOSTILE = '\u001b[2J\u001b]0;pwned\u0007\u001b]52;c;ZXZpbA==\u0007\u009b31m\u202eexe.txt';
/** Anything a terminal would act on. */
const ACTIVE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

const hostileRun = async (): Promise<{ dir: string; tracking: string; stdout: string }> => {
  const dir = tempDir();
  // printf's %b reads the escapes from an argument, so the spec itself stays plain text.
  const escaped = [...HOSTILE]
    .map((char) => (char.charCodeAt(0) < 0x80 ? char : `\\${[...Buffer.from(char)].map((b) => b.toString(8).padStart(3, '0')).join('\\')}`))
    .join('');
  const printable = escaped.replace(/\u001b/g, '\\033').replace(/\u0007/g, '\\007');
  const spec = writeSpec(dir, 'hostile.yaml', `!Job\n  id: hostile\n  command: printf\n  args: ['%b\\n', '${printable}']\n`);
  const tracking = join(dir, 'run');
  const result = await gator(['run', spec, '--tracking', tracking, '--all-msg']);
  assert.equal(result.code, 0, result.stderr);
  return { dir, tracking, stdout: result.stdout };
};

describe('job output that attacks the viewer', () => {
  it('is stored exactly as printed', async () => {
    const { tracking } = await hostileRun();
    const result = await gator(['query', tracking, '--json', 'SELECT text FROM messages']);
    assert.deepEqual(JSON.parse(result.stdout), [{ text: HOSTILE }]);
  });

  it('reaches the console made visible, the right-to-left override included', async () => {
    const { stdout } = await hostileRun();
    const line = stdout.split('\n').find((text) => text.includes(' INFO '))!;
    assert.doesNotMatch(line, ACTIVE);
    assert.match(line, /␛\[2J␛\]0;pwned␇␛\]52;c;ZXZpbA==␇\\x9b31m\\u202eexe\.txt$/);
  });

  it('gator query: the table is made visible; JSON escapes what a terminal would act on; piped TSV and CSV keep the data', async () => {
    const { tracking } = await hostileRun();
    const table = await gator(['query', tracking, '--table', 'SELECT text FROM messages']);
    assert.doesNotMatch(table.stdout.replace(/\n/g, ''), ACTIVE);
    assert.match(table.stdout, /␛\[2J␛\]0;pwned␇/);
    const json = await gator(['query', tracking, '--jsonl', 'SELECT text FROM messages']);
    assert.doesNotMatch(json.stdout.trimEnd(), ACTIVE);
    assert.match(json.stdout, /\\u009b31m\\u202eexe\.txt/);
    const tsv = await gator(['query', tracking, '--tsv', '--no-header', 'SELECT text FROM messages']);
    assert.equal(tsv.stdout, `${HOSTILE}\n`);
  });

  it('gator query --tsv on a terminal shows the escapes and obeys none (tmux)', { skip: tmuxAvailable() ? false : 'tmux is not installed' }, async (t) => {
    const { dir, tracking } = await hostileRun();
    const tmux = new Tmux();
    t.after(() => tmux.kill());
    tmux.start([process.execPath, GATOR, 'query', tracking, '--tsv', 'SELECT text FROM messages'], { width: 160, height: 20, cwd: dir });
    assert.equal(await tmux.exitCode(), 0);
    const screen = await waitFor(() => tmux.capture({ history: true }), 10_000, 'the screen');
    assert.match(screen, /␛\[2J␛\]0;pwned␇␛\]52;c;ZXZpbA==␇\\x9b31m\\u202eexe\.txt/);
    assert.notEqual(tmux.title(), 'pwned', 'the window title was not set');
  });
});
