// A parsed-and-API run under a flood: 500,000 UVM lines on stdout through `parsers: [uvm]` and
// 500,000 messages through one job's websocket at once. Every line is stored with its parsed
// severity, the runner's memory stays bounded, and the run ends.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, gator, openDb, tempDir, writeSpec } from '../helpers/cli.js';

const LINES = 500_000;
const MESSAGES = 500_000;
const MB = 1024 * 1024;

describe('a million lines through the parsers and the job API', () => {
  it('stores every line and every API message with runner RSS under 300 MB', async () => {
    const dir = tempDir();
    const spec = writeSpec(
      dir,
      'flood.yaml',
      `!JobGroup
  id: flood
  parsers: [uvm]
  jobs:
    - !Job { id: printer, command: ${process.execPath}, args: [${join(ROOT, 'test', 'fixtures', 'api', 'uvm-lines.mjs')}, '${LINES}'] }
    - !Job { id: caller, command: ${process.execPath}, args: [${join(ROOT, 'test', 'fixtures', 'api', 'flood.mjs')}, '${MESSAGES}'] }
`,
    );
    const tracking = join(dir, 'run');
    const result = await gator(['run', spec, '--tracking', tracking, '--quiet', '-j', '2'], { timeoutMs: 600_000 });
    assert.equal(result.code, 0, result.stderr);
    const db = openDb(join(tracking, 'run.sqlite'));
    try {
      const byStream = Object.fromEntries(
        (
          db
            .prepare("SELECT stream || ' ' || severity AS k, count(*) AS n FROM messages WHERE job_path = 'flood.printer' OR stream = 'api' GROUP BY k")
            .all() as { k: string; n: number }[]
        ).map((r) => [r.k, r.n]),
      );
      assert.deepEqual(byStream, {
        'stdout INFO': LINES - LINES / 1000,
        'stdout WARNING': LINES / 1000,
        'api INFO': MESSAGES,
      });
      // In order, none missing: the last of each arrived.
      assert.equal(db.prepare("SELECT text FROM messages WHERE stream = 'api' ORDER BY id DESC LIMIT 1").pluck().get(), `api ${MESSAGES - 1}`);
      assert.equal(db.prepare("SELECT count(DISTINCT text) FROM messages WHERE stream = 'api'").pluck().get(), MESSAGES);
    } finally {
      db.close();
    }
    assert.ok(result.peakRss < 300 * MB, `runner peak RSS ${(result.peakRss / MB).toFixed(0)} MB`);
  });
});
