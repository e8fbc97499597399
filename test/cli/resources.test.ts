// Resource-aware scheduling end to end: core and licence pools (never oversubscribed, checked
// from the recorded start and end times), requests that can never fit (exit 2 before anything
// runs), the memory warning, the recorded grants, and the status line naming what jobs wait for.
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gator, openDb, tempDir, writeSpec } from '../helpers/cli.js';

const dir = tempDir('gator-cli-resources-');
after(() => rmSync(dir, { recursive: true, force: true }));

interface Span {
  path: string;
  started_at: number;
  ended_at: number;
}

const spans = (tracking: string, where: string): Span[] => {
  const db = openDb(join(tracking, 'run.sqlite'));
  try {
    return db.prepare(`SELECT path, started_at, ended_at FROM jobs WHERE kind = 'job' AND ${where} ORDER BY started_at`).all() as Span[];
  } finally {
    db.close();
  }
};

/** The most spans that hold at one moment. */
const maxOverlap = (list: readonly Span[]): number => {
  const points = list.flatMap((s) => [
    [s.started_at, 1],
    [s.ended_at, -1],
  ]);
  // Ends before starts at the same instant: one job ending lets the next start.
  points.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0) || (a[1] ?? 0) - (b[1] ?? 0));
  let now = 0;
  let most = 0;
  for (const [, delta] of points) {
    now += delta ?? 0;
    most = Math.max(most, now);
  }
  return most;
};

describe('resources', () => {
  it('never overlaps two !Cores [2] jobs on --cores 2, nor two holders of licence VCS=1, and records the grants', async () => {
    const spec = writeSpec(
      dir,
      'pools.yaml',
      `!JobGroup
  id: top
  jobs:
  - !JobArray
      id: big
      repeats: 3
      jobs: [!Job {id: b, command: sleep, args: ["0.5"], resources: [!Cores [2]]}]
  - !JobArray
      id: lic
      repeats: 4
      jobs: [!Job {id: l, command: sleep, args: ["0.3"], resources: [!License [VCS, 1]]}]
  - !JobArray
      id: small
      repeats: 4
      jobs: [!Job {id: s, command: sleep, args: ["0.2"]}]
`,
    );
    const tracking = join(dir, 'tracking', 'pools');
    const run = await gator(['run', spec, '-j', '8', '--cores', '2', '--license', 'VCS=1', '--quiet', '--tracking', tracking], { cwd: dir });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const big = spans(tracking, "path LIKE 'top.big.%'");
    assert.equal(big.length, 3);
    assert.equal(maxOverlap(big), 1, 'two 2-core jobs never overlap on 2 cores');
    const lic = spans(tracking, "path LIKE 'top.lic.%'");
    assert.equal(maxOverlap(lic), 1, 'licence holders never overlap');
    // Cores held at any moment never exceed the pool (small jobs hold 1 each).
    const db = openDb(join(tracking, 'run.sqlite'));
    try {
      const held = db.prepare("SELECT started_at, ended_at, cores FROM jobs WHERE kind = 'job'").all() as {
        started_at: number;
        ended_at: number;
        cores: number;
      }[];
      for (const at of held.map((h) => h.started_at)) {
        const cores = held.filter((h) => h.started_at <= at && at < h.ended_at).reduce((sum, h) => sum + h.cores, 0);
        assert.ok(cores <= 2, `${cores} cores held at once`);
      }
      const grant = db.prepare("SELECT cores, licenses, queued_at <= launched_at AS ordered FROM jobs WHERE path = 'top.lic.l_1'").get();
      assert.deepEqual(grant, { cores: 1, licenses: '{"VCS":1}', ordered: 1 });
      const waited = db.prepare("SELECT DISTINCT waited_for FROM jobs WHERE path LIKE 'top.lic.%' AND waited_for IS NOT NULL").pluck().all();
      assert.ok(waited.includes('license:VCS'), `waited for ${waited.join(', ')}`);
      const pools = JSON.parse(db.prepare('SELECT pools FROM run').pluck().get() as string) as { cores: number; licenses: Record<string, number> };
      assert.equal(pools.cores, 2);
      assert.deepEqual(pools.licenses, { VCS: 1 });
    } finally {
      db.close();
    }
  });

  it('takes licence pools from the spec, and says in the status line what jobs wait for', async () => {
    const spec = writeSpec(
      dir,
      'spec-pools.yaml',
      `!JobArray
  id: lic
  repeats: 6
  pools: {licenses: {VCS: 1}}
  jobs: [!Job {id: l, command: sleep, args: ["0.4"], resources: [!License VCS]}]
`,
    );
    const tracking = join(dir, 'tracking', 'spec-pools');
    const run = await gator(['run', spec, '-j', '4', '--progress', '--status-interval', '0.2', '--tracking', tracking], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(maxOverlap(spans(tracking, '1')), 1);
    assert.match(run.stdout, /STATUS .*\(\d+ waiting: \d+ for licence VCS\)/);
  });

  it('fails a job that can never fit before anything runs, naming it, with exit 2', async () => {
    const spec = writeSpec(
      dir,
      'huge.yaml',
      `!JobGroup
  id: top
  jobs:
  - !Job {id: fine, command: touch, args: [ran.txt]}
  - !Job {id: huge, command: "true", resources: [!Cores [64]]}
`,
    );
    const tracking = join(dir, 'tracking', 'huge');
    const run = await gator(['run', spec, '--cores', '2', '--tracking', tracking], { cwd: dir });
    assert.equal(run.code, 2);
    assert.equal(run.stderr, `gator: ${spec}:5:5: job 'top.huge' asks for 64 cores, but the run has 2 (--cores); nothing was run\n`);
    assert.equal(existsSync(join(dir, 'ran.txt')), false);
    assert.equal(existsSync(tracking), false, 'no run database either');

    const unknown = await gator(['run', writeSpec(dir, 'lic.yaml', '!Job {id: x, command: "true", resources: [!License XLM]}\n'), '--license', 'VCS=2'], {
      cwd: dir,
    });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /job 'x' asks for licence 'XLM', which the run does not have \(it has VCS=2/);
  });

  it('warns when a job uses more memory than its !Memory request', async () => {
    const spec = writeSpec(
      dir,
      'memory.yaml',
      `!Job
  id: hog
  resources: [!Memory [20, MB]]
  command: ${process.execPath}
  args: [-e, "const b = Buffer.alloc(120 * 1024 * 1024, 1); setTimeout(() => console.log(b.length), 2500)"]
`,
    );
    const tracking = join(dir, 'tracking', 'memory');
    const run = await gator(['run', spec, '--interval', '0.2', '--tracking', tracking], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const db = openDb(join(tracking, 'run.sqlite'));
    try {
      const warnings = db.prepare("SELECT text FROM messages WHERE severity = 'WARNING'").pluck().all() as string[];
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0] ?? '', /^uses [\d.]+ MB of memory, more than its !Memory request of 20 MB$/);
      assert.equal(db.prepare('SELECT memory FROM jobs').pluck().get(), 20e6);
    } finally {
      db.close();
    }
    assert.match(run.stdout, /WARNING +hog: uses [\d.]+ MB of memory/);
  });
});
