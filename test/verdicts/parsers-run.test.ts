// Parsers in a real run: a 50-seed regression of a fake simulator that prints UVM lines on
// stdout and always exits 0, judged by `parsers: [uvm]`; the stored severities; parsing as
// each line arrives, not after the job.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gator, openDb, ROOT, tempDir, waitFor, writeSpec } from '../helpers/cli.js';

const SIM = join(ROOT, 'test', 'fixtures', 'sims', 'fake-uvm-sim.sh');

const regression = (parsers: string, prefix = ''): string => `!JobArray
  id: regress
  repeats: 50
  ${parsers}
  jobs:
    - !Job
        id: sim
        command: ${SIM}
        env: { PREFIX: "${prefix}" }
`;

interface Row {
  array_index: number;
  result: string;
  failure: string | null;
  msg_warning: number;
  msg_error: number;
  msg_critical: number;
}

/** What the fake simulator does for a seed (see its header). */
const expected = (seed: number): { result: string; failure: string | null; warnings: number; errors: number; criticals: number } => {
  switch (seed % 5) {
    case 1:
      return { result: 'failure', failure: 'error-count', warnings: 0, errors: 1, criticals: 0 };
    case 2:
      return { result: 'failure', failure: 'critical-count', warnings: 0, errors: 0, criticals: 1 };
    case 3:
      return { result: 'success', failure: null, warnings: 2, errors: 0, criticals: 0 };
    default:
      return { result: 'success', failure: null, warnings: 0, errors: 0, criticals: 0 };
  }
};

const runSpec = async (yaml: string) => {
  const dir = tempDir();
  const spec = writeSpec(dir, 'regress.yaml', yaml);
  const tracking = join(dir, 'run');
  const result = await gator(['run', spec, '--tracking', tracking, '--quiet'], { timeoutMs: 240_000 });
  return { ...result, db: join(tracking, 'run.sqlite') };
};

describe('parsers: [uvm] on a 50-seed regression', () => {
  for (const [title, prefix] of [
    ['VCS-style output', ''],
    ['Questa transcript ("# ")', '# '],
    ['Riviera transcript ("# KERNEL: ")', '# KERNEL: '],
  ] as const) {
    it(`gives every seed its expected verdict: ${title}`, async () => {
      const result = await runSpec(regression('parsers: [uvm]', prefix));
      assert.equal(result.code, 1, result.stderr);
      const db = openDb(result.db);
      try {
        const rows = db
          .prepare("SELECT array_index, result, failure, msg_warning, msg_error, msg_critical FROM jobs WHERE kind = 'job' ORDER BY array_index")
          .all() as Row[];
        assert.equal(rows.length, 50);
        for (const row of rows) {
          const want = expected(row.array_index);
          assert.deepEqual(
            { result: row.result, failure: row.failure, warnings: row.msg_warning, errors: row.msg_error, criticals: row.msg_critical },
            want,
            `seed ${row.array_index}`,
          );
        }
        // The stored severities: each UVM message as its tool meant it, stream still stdout.
        const severity = (like: string): string[] =>
          db.prepare("SELECT DISTINCT severity || ' ' || stream FROM messages WHERE text LIKE ? ORDER BY 1").pluck().all(`${prefix}${like}%`) as string[];
        assert.deepEqual(severity('UVM_ERROR tb/'), ['ERROR stdout']);
        assert.deepEqual(severity('UVM_FATAL tb/'), ['CRITICAL stdout']);
        assert.deepEqual(severity('UVM_WARNING tb/'), ['WARNING stdout']);
        assert.deepEqual(severity('UVM_INFO '), ['INFO stdout']);
        // The report summary's count lines are never errors, whatever their count.
        const counts = db
          .prepare('SELECT DISTINCT severity FROM messages WHERE text LIKE ? OR text LIKE ?')
          .pluck()
          .all(`${prefix}UVM_ERROR :%`, `${prefix}UVM_FATAL :%`);
        assert.deepEqual(counts, ['INFO']);
        // …and they are metrics, rolled up over the array.
        const rollup = db.prepare("SELECT count, sum FROM metric_rollup WHERE scope = 'array' AND name = 'uvm_error'").get() as { count: number; sum: number };
        assert.deepEqual(rollup, { count: 50, sum: 10 });
      } finally {
        db.close();
      }
    });
  }

  it('without parsers every seed passes, as before: UVM text on stdout is INFO', async () => {
    const result = await runSpec(regression(''));
    assert.equal(result.code, 0, result.stderr);
    const db = openDb(result.db);
    try {
      assert.deepEqual(db.prepare("SELECT DISTINCT result FROM jobs WHERE kind = 'job'").pluck().all(), ['success']);
      assert.deepEqual(db.prepare("SELECT DISTINCT severity FROM messages WHERE stream = 'stdout'").pluck().all(), ['INFO']);
    } finally {
      db.close();
    }
  });

  it('classifies each line as it arrives: the ERROR is stored while the job still runs', async () => {
    const dir = tempDir();
    const go = join(dir, 'go');
    const spec = writeSpec(
      dir,
      'live.yaml',
      `!Job
  id: sim
  parsers: [uvm]
  command: sh
  args: [-c, 'echo "UVM_ERROR @ 10: env [CHK] early mismatch"; while [ ! -f ${go} ]; do sleep 0.05; done; echo done']
`,
    );
    const tracking = join(dir, 'run');
    const run = gator(['run', spec, '--tracking', tracking, '--quiet'], { timeoutMs: 120_000 });
    const db = join(tracking, 'run.sqlite');
    const seen = await waitFor(
      () => {
        try {
          const conn = openDb(db);
          try {
            const row = conn.prepare("SELECT severity, stream FROM messages WHERE text LIKE 'UVM_ERROR%'").get() as
              { severity: string; stream: string } | undefined;
            const state = conn.prepare("SELECT state FROM jobs WHERE path = 'sim'").pluck().get() as string;
            return row === undefined ? undefined : { ...row, state };
          } finally {
            conn.close();
          }
        } catch {
          return undefined;
        }
      },
      60_000,
      'the UVM_ERROR line in the database',
    );
    assert.deepEqual(seen, { severity: 'ERROR', stream: 'stdout', state: 'running' });
    writeFileSync(go, '');
    const result = await run;
    assert.equal(result.code, 1);
  });
});
