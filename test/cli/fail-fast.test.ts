// --max-failures / --fail-fast end to end: after N failed jobs nothing more starts, what runs
// finishes (or is stopped with --fail-fast=stop), the rest is aborted, and the run exits 1.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gator, openDb, tempDir, writeSpec } from '../helpers/cli.js';

const dir = tempDir('gator-cli-failfast-');
after(() => rmSync(dir, { recursive: true, force: true }));
const SLOTS = 2;

const tally = (tracking: string): { launched: number; failed: number; aborted: number; interrupted: number; lines: string[] } => {
  const db = openDb(join(tracking, 'run.sqlite'));
  try {
    const one = (sql: string): number => db.prepare(sql).pluck().get() as number;
    return {
      launched: one("SELECT count(*) FROM jobs WHERE kind = 'job' AND started_at IS NOT NULL"),
      failed: one("SELECT count(*) FROM jobs WHERE kind = 'job' AND result = 'failure'"),
      aborted: one("SELECT count(*) FROM jobs WHERE kind = 'job' AND result = 'aborted'"),
      interrupted: one("SELECT count(*) FROM jobs WHERE kind = 'job' AND failure = 'interrupted'"),
      lines: db.prepare("SELECT DISTINCT text FROM messages WHERE stream = 'runtime' AND severity = 'WARNING'").pluck().all() as string[],
    };
  } finally {
    db.close();
  }
};

describe('fail-fast', () => {
  const spec = writeSpec(
    dir,
    'fails.yaml',
    `!JobArray
  id: fails
  repeats: 100
  jobs:
  - !Job {id: f, command: sh, args: [-c, 'sleep 0.2; echo broken >&2; exit 1']}
`,
  );

  it('--max-failures 3 on 100 failing jobs launches no more than 3 + the jobs already running, and exits 1', async () => {
    const tracking = join(dir, 'tracking', 'max3');
    const run = await gator(['run', spec, '-j', String(SLOTS), '--max-failures', '3', '--tracking', tracking], { cwd: dir });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /STOP +gator: 3 jobs failed \(--max-failures 3\): starting nothing more; running jobs finish/);
    const t = tally(tracking);
    assert.ok(t.launched >= 3 && t.launched <= 3 + SLOTS, `${t.launched} launched`);
    assert.equal(t.failed, t.launched, 'what was running finished (and failed)');
    assert.equal(t.aborted, 100 - t.launched);
    assert.ok(
      t.lines.some((line) => /^pruned: \d+ jobs had not started: 3 jobs failed \(--max-failures 3\)$/.test(line)),
      t.lines.join('\n'),
    );
    const db = openDb(join(tracking, 'run.sqlite'));
    try {
      assert.deepEqual(db.prepare('SELECT result, exit_code FROM run').get(), { result: 'failure', exit_code: 1 });
    } finally {
      db.close();
    }
  });

  it('--fail-fast=stop stops the jobs still running once the first job fails', async () => {
    const mixed = writeSpec(
      dir,
      'mixed.yaml',
      `!JobGroup
  id: top
  jobs:
  - !Job {id: long, command: sleep, args: ["30"]}
  - !Job {id: bad, command: sh, args: [-c, 'sleep 0.5; exit 1']}
  - !Job {id: later, command: "true"}
`,
    );
    const tracking = join(dir, 'tracking', 'stop');
    const run = await gator(['run', mixed, '-j', '2', '--grace', '1', '--fail-fast=stop', '--quiet', '--tracking', tracking], { cwd: dir });
    assert.equal(run.code, 1, run.stderr);
    const db = openDb(join(tracking, 'run.sqlite'));
    try {
      const rows = db.prepare("SELECT path, result, failure FROM jobs WHERE kind = 'job' ORDER BY id").all();
      assert.deepEqual(rows, [
        { path: 'top.long', result: 'failure', failure: 'interrupted' },
        { path: 'top.bad', result: 'failure', failure: 'exit' },
        { path: 'top.later', result: 'aborted', failure: null },
      ]);
      const long = db.prepare("SELECT ended_at - started_at FROM jobs WHERE path = 'top.long'").pluck().get() as number;
      assert.ok(long < 20, 'stopped long before its 30 s');
    } finally {
      db.close();
    }
  });

  it('rejects an unknown --fail-fast mode', async () => {
    const run = await gator(['run', spec, '--fail-fast=sometimes'], { cwd: dir });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--fail-fast takes no value, or stop/);
  });
});
