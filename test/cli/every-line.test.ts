// Every line is kept: blank and whitespace-only lines too (a blank stderr line still fails no
// job), so a replay of a job is its output, and invalid UTF-8 keeps its exact bytes in the
// public `messages` view.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gator, openDb, tempDir, writeSpec } from '../helpers/cli.js';

describe('every line a job prints', () => {
  it('is kept, blank ones included, and replays as the job printed it', async () => {
    const dir = tempDir();
    // stdout: a, an empty line, three spaces, b; stderr: one empty line, printed between a and b.
    const spec = writeSpec(dir, 'lines.yaml', '!Job\n  id: j\n  command: sh\n  args: [-c, \'echo a; echo; echo >&2; sleep 0.2; echo "   "; echo b\']\n');
    const tracking = join(dir, 'run');
    const run = await gator(['run', spec, '--tracking', tracking]);
    assert.equal(run.code, 0, `a blank stderr line fails no job\n${run.stdout}`);
    const db = openDb(join(tracking, 'run.sqlite'));
    const rows = db.prepare("SELECT stream, severity, text FROM messages WHERE stream <> 'runtime' ORDER BY id").all();
    const counts = db.prepare("SELECT msg_info, msg_error, result FROM jobs WHERE path = 'j'").get();
    db.close();
    assert.deepEqual(
      rows.filter((row) => (row as { stream: string }).stream === 'stdout'),
      [
        { stream: 'stdout', severity: 'INFO', text: 'a' },
        { stream: 'stdout', severity: 'INFO', text: '' },
        { stream: 'stdout', severity: 'INFO', text: '   ' },
        { stream: 'stdout', severity: 'INFO', text: 'b' },
      ],
    );
    assert.deepEqual(
      rows.filter((row) => (row as { stream: string }).stream === 'stderr'),
      [{ stream: 'stderr', severity: 'INFO', text: '' }],
    );
    assert.deepEqual(counts, { msg_info: 5, msg_error: 0, result: 'success' });
    const replay = await gator(['replay', tracking, '--job', 'j', '--stream', 'stdout', '--no-color']);
    assert.equal(replay.code, 0, replay.stderr);
    const texts = replay.stdout
      .trimEnd()
      .split('\n')
      .map((line) => line.replace(/^\d\d:\d\d:\d\d INFO +j: /, ''));
    assert.deepEqual(texts, ['a', '', '   ', 'b']);
  });

  it('keeps the exact bytes of a line that is not valid UTF-8, in messages.raw', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, 'bytes.yaml', "!Job\n  id: j\n  command: printf\n  args: ['ok\\nx\\377\\300y\\n']\n");
    const tracking = join(dir, 'run');
    assert.equal((await gator(['run', spec, '--tracking', tracking])).code, 0);
    const result = await gator(['query', tracking, '--json', "SELECT text, raw FROM messages WHERE stream = 'stdout' ORDER BY id"]);
    assert.deepEqual(JSON.parse(result.stdout), [
      { text: 'ok', raw: null },
      { text: 'x\ufffd\ufffdy', raw: '78ffc079' },
    ]);
  });
});
