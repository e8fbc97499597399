import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gator, openDb, processesWith, tempDir, waitFor, writeSpec } from '../helpers/cli.js';

const runningJobs = (dbPath: string): number => {
  try {
    const db = openDb(dbPath);
    const count = db.prepare("SELECT count(*) FROM jobs WHERE kind = 'job' AND state = 'running'").pluck().get() as number;
    db.close();
    return count;
  } catch {
    return 0;
  }
};

describe('stopping a run', () => {
  it('on SIGINT terminates running jobs, records them as failed, and exits 130 within the grace period', async () => {
    const dir = tempDir();
    const marker = `${Math.floor(Math.random() * 1e9) + 100}`;
    const spec = writeSpec(
      dir,
      'sleepy.yaml',
      `!JobGroup
  id: top
  jobs:
  - !Job { id: a, command: sleep, args: ["${marker}"] }
  - !Job { id: b, command: sleep, args: ["${marker}.5"] }
  - !Job { id: later, command: "true", on_done: [a] }
`,
    );
    const tracking = join(dir, 'run');
    const dbPath = join(tracking, 'run.sqlite');
    let child: ChildProcess | undefined;
    let signalledAt = 0;
    const finished = gator(['run', spec, '--tracking', tracking, '--grace', '2', '-j', '4'], { onSpawn: (spawned) => (child = spawned) });
    await waitFor(() => (runningJobs(dbPath) === 2 ? true : undefined), 30_000, 'two running jobs');
    signalledAt = Date.now();
    child!.kill('SIGINT');
    const result = await finished;
    const elapsed = (Date.now() - signalledAt) / 1000;
    assert.equal(result.code, 130, result.stderr);
    assert.ok(elapsed < 2 + 2, `took ${elapsed} s`);
    assert.deepEqual(processesWith(marker), []);
    const db = openDb(dbPath);
    const rows = db.prepare("SELECT ident, result, failure FROM jobs WHERE kind = 'job' ORDER BY id").all();
    assert.deepEqual(rows, [
      { ident: 'a', result: 'failure', failure: 'interrupted' },
      { ident: 'b', result: 'failure', failure: 'interrupted' },
      { ident: 'later', result: 'aborted', failure: null },
    ]);
    assert.deepEqual(db.prepare('SELECT result, exit_code FROM run').get(), { result: 'interrupted', exit_code: 130 });
    db.close();
  });

  it('kills a job that ignores SIGTERM after the grace period, and at once on a second SIGINT', async () => {
    const dir = tempDir();
    const marker = `stubborn${Math.floor(Math.random() * 1e9)}`;
    const spec = writeSpec(dir, 'stubborn.yaml', `!Job\n  id: stubborn\n  command: sh\n  args: [-c, "trap '' TERM; while :; do sleep 0.1; done", ${marker}]\n`);
    const tracking = join(dir, 'run');
    let child: ChildProcess | undefined;
    const finished = gator(['run', spec, '--tracking', tracking, '--grace', '60'], { onSpawn: (spawned) => (child = spawned) });
    await waitFor(() => (runningJobs(join(tracking, 'run.sqlite')) === 1 ? true : undefined), 30_000, 'the job to run');
    child!.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const second = Date.now();
    child!.kill('SIGINT');
    const result = await finished;
    assert.equal(result.code, 130);
    assert.ok(Date.now() - second < 10_000, 'the second Ctrl+C must not wait for the 60 s grace');
    assert.deepEqual(processesWith(marker), []);
  });

  it('after SIGKILL of the runner the database opens and holds every line written up to a second before', async () => {
    const dir = tempDir();
    const side = join(dir, 'side.txt');
    // `$$` is a literal `$`: the spec expands `$VAR` itself.
    const spec = writeSpec(
      dir,
      'chatty.yaml',
      `!Job\n  id: chatty\n  command: sh\n  args: [-c, 'i=0; while :; do echo "line $$i"; echo "$$i $$(date +%s.%N)" >> ${side}; i=$$((i+1)); sleep 0.01; done']\n`,
    );
    const tracking = join(dir, 'run');
    let child: ChildProcess | undefined;
    const finished = gator(['run', spec, '--tracking', tracking], { onSpawn: (spawned) => (child = spawned) });
    await waitFor(() => (runningJobs(join(tracking, 'run.sqlite')) === 1 ? true : undefined), 30_000, 'the job to run');
    // Enough lines a second old, however slowly a loaded machine runs the job.
    const oldLines = (): number => {
      const cutoff = Date.now() / 1000 - 1.5;
      return existsSync(side)
        ? readFileSync(side, 'utf8')
            .split('\n')
            .filter((line) => Number(line.split(' ')[1]) < cutoff).length
        : 0;
    };
    await waitFor(() => (oldLines() > 60 ? true : undefined), 60_000, 'lines a second old');
    const killedAt = Date.now() / 1000;
    child!.kill('SIGKILL');
    await finished;
    const written = readFileSync(side, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(' ').map(Number) as [number, number])
      .filter(([, ts]) => ts < killedAt - 1)
      .map(([i]) => `line ${i}`);
    assert.ok(written.length > 50, `only ${written.length} lines written`);
    const db = openDb(join(tracking, 'run.sqlite'));
    const stored = new Set(db.prepare('SELECT text FROM messages').pluck().all() as string[]);
    for (const line of written) assert.ok(stored.has(line), `missing ${line}`);
    db.close();
    // The orphaned job dies with its pipe; make sure, then check nothing is left.
    try {
      execFileSync('pkill', ['-f', side]);
    } catch {
      // Already gone.
    }
  });
});
