import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gator, openDb, tempDir, writeSpec } from '../helpers/cli.js';

const runJob = async (command: string, args: readonly string[], extra: readonly string[] = []) => {
  const dir = tempDir();
  const spec = writeSpec(
    dir,
    'job.yaml',
    `!JobGroup\n  id: top\n  jobs:\n  - !Job\n      id: out\n      command: ${JSON.stringify(command)}\n      args: ${JSON.stringify(args)}\n`,
  );
  const tracking = join(dir, 'run');
  const result = await gator(['run', spec, '--tracking', tracking, '--quiet', ...extra], { timeoutMs: 300_000 });
  return { ...result, db: openDb(join(tracking, 'run.sqlite')) };
};

describe('job output is stored whole', () => {
  it('keeps a last line that has no newline', async () => {
    const { code, db } = await runJob('printf', ['first\\nlast without newline']);
    assert.equal(code, 0);
    assert.deepEqual(db.prepare('SELECT text FROM messages ORDER BY id').pluck().all(), ['first', 'last without newline']);
  });

  it('keeps a 2 MiB line in one message', async () => {
    const { code, db } = await runJob('sh', ['-c', "head -c 2097152 /dev/zero | tr '\\0' x; echo; echo after"]);
    assert.equal(code, 0);
    const texts = db.prepare('SELECT text FROM messages ORDER BY id').pluck().all() as string[];
    assert.equal(texts.length, 2);
    assert.equal(texts[0]!.length, 2 * 1024 * 1024);
    assert.match(texts[0]!, /^x+$/);
    assert.equal(texts[1], 'after');
  });

  it('keeps the exact bytes of a line that is not valid UTF-8', async () => {
    const { code, db } = await runJob('printf', ['ok\\nbad \\377\\376 bytes\\nok again\\n']);
    assert.equal(code, 0);
    const rows = db.prepare('SELECT text, raw FROM message ORDER BY id').all() as { text: string; raw: Buffer | null }[];
    assert.equal(rows.length, 3);
    assert.equal(rows[0]!.raw, null);
    assert.deepEqual(rows[1]!.raw, Buffer.from([0x62, 0x61, 0x64, 0x20, 0xff, 0xfe, 0x20, 0x62, 0x79, 0x74, 0x65, 0x73]));
    assert.equal(rows[1]!.text, 'bad \ufffd\ufffd bytes');
    assert.equal(rows[2]!.text, 'ok again');
  });

  it('stores 1,000,000 lines in order with the runner under 300 MB', async () => {
    const { code, db, peakRss } = await runJob('seq', ['1000000']);
    assert.equal(code, 0);
    assert.equal(db.prepare('SELECT count(*) FROM message').pluck().get(), 1_000_000);
    // In order: the n-th stored line is n.
    const outOfOrder = db.prepare('SELECT count(*) FROM message WHERE CAST(text AS INTEGER) <> id').pluck().get();
    assert.equal(outOfOrder, 0);
    assert.equal(db.prepare("SELECT msg_info FROM jobs WHERE path = 'top.out'").pluck().get(), 1_000_000);
    assert.ok(peakRss > 0 && peakRss < 300 * 1024 * 1024, `peak RSS ${Math.round(peakRss / 1048576)} MiB`);
  });
});
