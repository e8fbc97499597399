// Timeouts end to end: a job's own limit (SIGTERM, its grace, SIGKILL), a group's limit that
// stops its subtree, --timeout and --timeout-multiplier, and how exports file a timeout.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gator, openDb, processesWith, tempDir, writeSpec } from '../helpers/cli.js';

const dir = tempDir('gator-cli-timeouts-');
after(() => rmSync(dir, { recursive: true, force: true }));
/** In every sleeping command line, so no process of this suite is left behind (and no other suite's is counted). */
const MARK = `gator-timeouts-${randomUUID()}`;
const GRACE = 1;

interface Row {
  path: string;
  result: string;
  failure: string | null;
  signal: string | null;
  started_at: number | null;
  ended_at: number | null;
  timeout: number | null;
}

const rows = (tracking: string): Map<string, Row> => {
  const db = openDb(join(tracking, 'run.sqlite'));
  try {
    const all = db.prepare('SELECT path, result, failure, signal, started_at, ended_at, timeout FROM jobs ORDER BY id').all() as Row[];
    return new Map(all.map((row) => [row.path, row]));
  } finally {
    db.close();
  }
};

const lines = (tracking: string, path: string): string[] => {
  const db = openDb(join(tracking, 'run.sqlite'));
  try {
    return db.prepare('SELECT text FROM messages WHERE job_path = ? ORDER BY id').pluck().all(path) as string[];
  } finally {
    db.close();
  }
};

describe('timeouts', () => {
  const spec = writeSpec(
    dir,
    'timeouts.yaml',
    `!JobGroup
  id: top
  jobs:
  - !Job {id: forever, timeout: 2s, command: sh, args: [-c, 'exec sleep 1000 # ${MARK}']}
  - !Job {id: stubborn, timeout: 2s, command: sh, args: [-c, 'trap "echo got TERM" TERM; echo ready; while :; do sleep 0.1; done # ${MARK}']}
  - !Job {id: quick, timeout: 30s, command: "true"}
`,
  );
  const tracking = join(dir, 'tracking', 'own');

  it('ends a job that sleeps forever as timeout within timeout + grace + 2 s, and a SIGTERM-trapping one after its grace', async () => {
    const run = await gator(['run', spec, '--grace', String(GRACE), '--quiet', '--tracking', tracking], { cwd: dir });
    assert.equal(run.code, 1, run.stderr);
    const r = rows(tracking);
    const forever = r.get('top.forever');
    assert.equal(forever?.result, 'failure');
    assert.equal(forever?.failure, 'timeout');
    assert.equal(forever?.timeout, 2);
    assert.equal(forever?.signal, 'SIGTERM');
    const took = (forever?.ended_at ?? 0) - (forever?.started_at ?? 0);
    assert.ok(took >= 2 && took <= 2 + GRACE + 2, `ended after ${took} s`);
    assert.match(lines(tracking, 'top.forever')[0] ?? '', /^reached its 2 s timeout: sent SIGTERM, SIGKILL in 1 s$/);

    const stubborn = r.get('top.stubborn');
    assert.equal(stubborn?.failure, 'timeout');
    assert.equal(stubborn?.signal, 'SIGKILL', 'it ignored SIGTERM, so the grace period ran out');
    const graced = (stubborn?.ended_at ?? 0) - (stubborn?.started_at ?? 0);
    assert.ok(graced >= 2 + GRACE, `it got its ${GRACE} s grace (ended after ${graced} s)`);
    assert.ok(lines(tracking, 'top.stubborn').includes('got TERM'), 'it saw the SIGTERM');
    assert.equal(r.get('top.quick')?.result, 'success');
    assert.deepEqual(processesWith(MARK), [], 'nothing left running');
  });

  it('files a timeout as such in JUnit, the joblog and the report', async () => {
    const junit = await gator(['report', tracking, '--junit', '-'], { cwd: dir });
    assert.match(junit.stdout, /<testcase name="forever"[^>]*>\s*<failure message="[^"]*" type="timeout">timed out after 2 s/);
    const joblog = await gator(['report', tracking, '--joblog', '-'], { cwd: dir });
    const row = joblog.stdout.split('\n').find((line) => line.includes('sleep 1000'));
    assert.equal(row?.split('\t')[6], '124', 'Exitval 124, as timeout(1)');
    const report = await gator(['report', tracking, '--no-color'], { cwd: dir });
    assert.match(report.stdout, /\(timed out after 2 s/);
  });

  it('stops what runs under a group at its group_timeout and aborts what has not started', async () => {
    const groupSpec = writeSpec(
      dir,
      'group.yaml',
      `!JobGroup
  id: top
  jobs:
  - !JobGroup
      id: slow
      group_timeout: 2s
      jobs:
      - !Job {id: a, command: sh, args: [-c, 'exec sleep 1000 # ${MARK}']}
      - !Job {id: b, command: sh, args: [-c, 'exec sleep 1000 # ${MARK}']}
      - !JobGroup
          id: inner
          jobs: [!Job {id: c, command: sh, args: [-c, 'exec sleep 1000 # ${MARK}']}]
  - !Job {id: after, on_done: [slow], command: "true"}
`,
    );
    const t = join(dir, 'tracking', 'group');
    // One job at a time: when the group's time is up, a runs and b and inner.c wait.
    const run = await gator(['run', groupSpec, '-j', '1', '--grace', String(GRACE), '--quiet', '--tracking', t], { cwd: dir });
    assert.equal(run.code, 1, run.stderr);
    const r = rows(t);
    assert.equal(r.get('top.slow')?.result, 'failure');
    assert.equal(r.get('top.slow')?.failure, 'timeout');
    assert.equal(r.get('top.slow.a')?.failure, 'timeout');
    assert.equal(r.get('top.slow.b')?.result, 'aborted');
    assert.equal(r.get('top.slow.inner.c')?.result, 'aborted');
    assert.equal(r.get('top.after')?.result, 'success', 'what depends on it with on_done still runs');
    const slow = r.get('top.slow');
    assert.ok((slow?.ended_at ?? 0) - (slow?.started_at ?? 0) <= 2 + GRACE + 2);
    assert.match(lines(t, 'top.slow.a').join('\n'), /stopped: group 'top\.slow' timed out after 2 s/);
    // What had not started is aborted together, said once on the group.
    // (b under the group, c under its subgroup, which started at once and waits for a slot).
    assert.match(lines(t, 'top.slow').join('\n'), /pruned: 1 job had not started: group 'top\.slow' timed out after 2 s/);
    assert.match(lines(t, 'top.slow.inner').join('\n'), /pruned: 1 job had not started: group 'top\.slow' timed out after 2 s/);
    assert.deepEqual(processesWith(MARK), []);
  });

  it('applies --timeout to jobs without one; --timeout-multiplier scales limits and 0 disables them', async () => {
    const plain = writeSpec(
      dir,
      'plain.yaml',
      `!JobGroup
  id: top
  jobs:
  - !Job {id: nap, command: sleep, args: ["3"]}
  - !Job {id: limited, timeout: 1s, command: sleep, args: ["3"]}
`,
    );
    const t1 = join(dir, 'tracking', 'default');
    const defaulted = await gator(['run', plain, '--timeout', '1s', '--grace', String(GRACE), '--quiet', '--tracking', t1], { cwd: dir });
    assert.equal(defaulted.code, 1);
    assert.equal(rows(t1).get('top.nap')?.failure, 'timeout');
    assert.equal(rows(t1).get('top.nap')?.timeout, 1);

    const t2 = join(dir, 'tracking', 'off');
    const off = await gator(['run', plain, '--timeout', '1s', '--timeout-multiplier', '0', '--quiet', '--tracking', t2], { cwd: dir });
    assert.equal(off.code, 0, off.stderr + off.stdout);
    assert.equal(rows(t2).get('top.limited')?.timeout, null);

    const t3 = join(dir, 'tracking', 'scaled');
    const scaled = await gator(['run', plain, '--timeout-multiplier', '5', '--quiet', '--tracking', t3], { cwd: dir });
    assert.equal(scaled.code, 0, scaled.stderr + scaled.stdout);
    assert.equal(rows(t3).get('top.limited')?.timeout, 5);
  });

  it('rejects a malformed duration as a usage error', async () => {
    const bad = await gator(['run', spec, '--timeout', 'soon'], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--timeout.*cannot read "soon" as a duration/);
  });

  it('waits out a timeout longer than 24.8 days instead of firing at once', async () => {
    const longSpec = writeSpec(dir, 'long.yaml', `!Job {id: long, timeout: 30d, command: sleep, args: ['0.5']}\n`);
    const t = join(dir, 'tracking', 'long');
    const run = await gator(['run', longSpec, '--quiet', '--tracking', t], { cwd: dir });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.doesNotMatch(run.stderr, /TimeoutOverflowWarning/);
    assert.equal(rows(t).get('long')?.result, 'success');
  });
});
