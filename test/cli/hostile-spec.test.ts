// Specs that are not files, or too big, through the command line: refused at once with one line,
// exit 2; and a spec at the size limit stays stoppable at every step.
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MAX_PLAN_NODES } from '../../spec/index.js';
import { gator, openDb, tempDir, waitFor, writeSpec } from '../helpers/cli.js';

describe('gator run on something that is not a spec file', () => {
  it('refuses /dev/zero without reading it', async () => {
    const cwd = tempDir();
    const result = await gator(['run', '/dev/zero'], { cwd });
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'gator: /dev/zero:1:1: cannot read the spec file: it is a device, not a regular file; write the spec to a file\n');
    assert.equal(existsSync(join(cwd, 'tracking')), false);
  });

  it('refuses a pipe at once, even one nobody writes to', async () => {
    const dir = tempDir();
    const fifo = join(dir, 'spec.yaml');
    execFileSync('mkfifo', [fifo]);
    const result = await gator(['run', fifo], { cwd: dir, timeoutMs: 60_000 });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /spec\.yaml:1:1: cannot read the spec file: it is a pipe, not a regular file/);
  });
});

describe('a spec at the size limit', () => {
  const atCap = (dir: string): string =>
    writeSpec(dir, 'cap.yaml', `!JobArray\n  id: top\n  repeats: ${MAX_PLAN_NODES - 1}\n  jobs:\n  - !Job { id: j, command: sleep, args: ["30"] }\n`);

  it('is refused past it in one line, with where the count comes from', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, 'huge.yaml', '!JobArray\n  id: top\n  repeats: 9999999\n  jobs:\n  - !Job { id: j, command: "true" }\n');
    const result = await gator(['run', spec, '--tracking', join(dir, 'run')], { timeoutMs: 60_000 });
    assert.equal(result.code, 2, result.stdout);
    assert.equal(
      result.stderr,
      `gator: ${spec}:3:12: this spec expands to 10000000 jobs, groups and arrays, more than the ${MAX_PLAN_NODES} one run can hold; split the regression into several runs\n`,
    );
  });

  it('stops on Ctrl+C while its database is being made, and records nothing', async () => {
    const dir = tempDir();
    const tracking = join(dir, 'run');
    let runner: ChildProcess | undefined;
    const done = gator(['run', atCap(dir), '--tracking', tracking], { onSpawn: (child) => (runner = child), timeoutMs: 180_000 });
    await waitFor(
      () => (existsSync(tracking) && readdirSync(tracking).some((name) => name.endsWith('.new')) ? true : undefined),
      120_000,
      'the database build',
    );
    runner!.kill('SIGINT');
    const result = await done;
    assert.equal(result.code, 130, result.stderr);
    assert.equal(result.stderr, 'gator: interrupted before any job started; no run was recorded\n');
    assert.deepEqual(readdirSync(tracking), []);
  });

  it('stops on Ctrl+C once it runs: the jobs that had not started are aborted together, in one line', async () => {
    const dir = tempDir();
    const tracking = join(dir, 'run');
    let runner: ChildProcess | undefined;
    let stdout = '';
    const done = gator(['run', atCap(dir), '--tracking', tracking, '-j', '2'], {
      onSpawn: (child) => {
        runner = child;
        child.stdout!.on('data', (data: Buffer) => (stdout += data.toString()));
      },
      timeoutMs: 180_000,
    });
    await waitFor(() => ((stdout.match(/ START /g) ?? []).length === 2 ? true : undefined), 150_000, 'two jobs to start');
    runner!.kill('SIGINT');
    const result = await done;
    assert.equal(result.code, 130, result.stderr);
    const aborted = result.stdout.split('\n').filter((line) => / ABORT /.test(line));
    assert.deepEqual(
      aborted.map((line) => line.replace(/^\S+ /, '')),
      [`ABORT    top: aborted: ${MAX_PLAN_NODES - 3} jobs had not started: the run is stopping`],
    );
    const db = openDb(join(tracking, 'run.sqlite'));
    const results = db.prepare("SELECT result, count(*) AS n FROM jobs WHERE kind = 'job' GROUP BY result ORDER BY result").all();
    db.close();
    assert.deepEqual(results, [
      { result: 'aborted', n: MAX_PLAN_NODES - 3 },
      { result: 'failure', n: 2 },
    ]);
  });
});
