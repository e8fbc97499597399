// Faults of the runner's own machinery, caused for real: the run records them and goes on.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gator, openDb, pgrep, processesWith, tempDir, waitFor, writeSpec } from '../helpers/cli.js';

describe('runner faults', () => {
  it('fails the jobs of a spawn server that dies, kills their processes, and starts later jobs through Node', async () => {
    const dir = tempDir();
    const marker = `${Math.floor(Math.random() * 1e9) + 100}`;
    const spec = writeSpec(
      dir,
      'victim.yaml',
      `!JobGroup
  id: top
  jobs:
  - !Job { id: victim, command: sleep, args: ["${marker}"] }
  - !Job { id: after, command: echo, args: [still runs], on_fail: [victim] }
`,
    );
    const tracking = join(dir, 'run');
    let runner: ChildProcess | undefined;
    const finished = gator(['run', spec, '--tracking', tracking], { onSpawn: (child) => (runner = child) });
    await waitFor(() => (processesWith(marker).length > 0 ? true : undefined), 30_000, 'the job to start');
    const [server] = pgrep('-P', String(runner!.pid!), '-x', 'gator-spawn');
    assert.ok(server !== undefined, 'jobs run under a spawn server');
    process.kill(server, 'SIGKILL');
    const result = await finished;
    assert.equal(result.code, 1, result.stderr);
    const db = openDb(join(tracking, 'run.sqlite'));
    const jobs = db.prepare("SELECT ident, result, failure FROM jobs WHERE kind = 'job' ORDER BY id").all();
    assert.deepEqual(jobs, [
      { ident: 'victim', result: 'failure', failure: 'internal' },
      { ident: 'after', result: 'success', failure: null },
    ]);
    const error = db.prepare("SELECT text FROM messages WHERE job_path = 'top.victim' AND severity = 'ERROR'").pluck().get() as string;
    assert.match(error, /lost track of the job: the spawn server ended \(SIGKILL\)/);
    assert.deepEqual(db.prepare("SELECT text FROM messages WHERE job_path = 'top.after'").pluck().all(), ['still runs']);
    db.close();
    await waitFor(() => (processesWith(marker).length === 0 ? true : undefined), 10_000, 'the lost job to be killed');
  });
});
