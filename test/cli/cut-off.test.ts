// A run cut off by SIGKILL: what its database says must match what it stored.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gator, openDb, processesWith, tempDir, waitFor, writeSpec } from '../helpers/cli.js';

const storedLines = (dbPath: string): number => {
  try {
    const db = openDb(dbPath);
    const count = db.prepare("SELECT count(*) FROM messages WHERE job_path = 'flood'").pluck().get() as number;
    db.close();
    return count;
  } catch {
    return 0;
  }
};

describe('a run cut off by SIGKILL', () => {
  it("keeps each job's message counts equal to its stored messages", async () => {
    const dir = tempDir();
    const marker = `flood${Math.floor(Math.random() * 1e9)}`;
    // INFO lines on stdout and ERROR lines on stderr, without end; samples (which once carried
    // the counts) are an hour apart, so only the stored lines can make the counts.
    const spec = writeSpec(dir, 'flood.yaml', `!Job\n  id: flood\n  command: sh\n  args: [-c, 'while :; do echo out; echo err >&2; done', ${marker}]\n`);
    const tracking = join(dir, 'run');
    const dbPath = join(tracking, 'run.sqlite');
    let runner: ChildProcess | undefined;
    const finished = gator(['run', spec, '--tracking', tracking, '--interval', '3600', '--limit-error', 'none'], { onSpawn: (child) => (runner = child) });
    await waitFor(() => (storedLines(dbPath) > 20_000 ? true : undefined), 60_000, 'thousands of stored lines');
    runner!.kill('SIGKILL');
    await finished;
    await waitFor(() => (processesWith(marker).length === 0 ? true : undefined), 30_000, 'the job to die with its runner');
    const db = openDb(dbPath);
    const stored = db.prepare("SELECT severity, count(*) AS n FROM messages WHERE job_path = 'flood' GROUP BY severity ORDER BY severity").all() as {
      severity: string;
      n: number;
    }[];
    const counts = db.prepare("SELECT msg_info, msg_error, state FROM jobs WHERE path = 'flood'").get() as {
      msg_info: number;
      msg_error: number;
      state: string;
    };
    db.close();
    assert.ok(stored.length === 2 && stored.every((row) => row.n > 1000), JSON.stringify(stored));
    assert.equal(counts.state, 'running', 'cut off: never ended');
    assert.deepEqual(
      { info: counts.msg_info, error: counts.msg_error },
      { info: stored.find((row) => row.severity === 'INFO')!.n, error: stored.find((row) => row.severity === 'ERROR')!.n },
    );
  });
});
