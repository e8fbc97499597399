// Seeds end to end with the built CLI: the run seed, per-job seeds, reruns that keep or renew
// them, and `gator repro` reproducing a failing job's output byte for byte.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gator, openDb, tempDir, writeSpec } from '../helpers/cli.js';

const dir = tempDir('gator-cli-seeds-');
after(() => rmSync(dir, { recursive: true, force: true }));

// A seeded "simulation": prints lines that depend on the seed, and fails for odd seeds (about
// half of them), like a constrained-random test that hits a bug for some seeds.
const SPEC = `!JobGroup
  id: top
  jobs:
  - !JobArray
      id: sims
      repeats: 8
      jobs:
      - !Job
          id: sim
          env: {PLUSARGS: "+ntb_random_seed=\${GATOR_SEED}"}
          command: sh
          args:
            - -c
            - 'echo "seed $$1 plusargs $$PLUSARGS mode $$2"; i=0; while [ $$i -lt 3 ]; do echo "txn $$i $$(( ($$1 + $$i) % 97 ))"; i=$$((i+1)); done; if [ $$(( $$1 % 2 )) -eq 1 ]; then echo "UVM_ERROR seed $$1: mismatch" >&2; exit 1; fi'
            - x
            - \${GATOR_SEED}
            - 'fast mode'
  - !Job {id: pinned, seed: 77, command: sh, args: [-c, 'echo pinned $$GATOR_SEED']}
`;

const seeds = (db: string): Map<string, number> => {
  const conn = openDb(db);
  try {
    const rows = conn.prepare("SELECT path, seed FROM jobs WHERE kind = 'job' ORDER BY id").all() as { path: string; seed: number }[];
    return new Map(rows.map((row) => [row.path, row.seed]));
  } finally {
    conn.close();
  }
};

describe('seeds', () => {
  const spec = writeSpec(dir, 'seeds.yaml', SPEC);
  const track = (name: string): string => join(dir, 'tracking', name);

  it('gives every job the same GATOR_SEED in two runs with --seed 42, a different one per path, recorded in jobs and run', async () => {
    const a = await gator(['run', spec, '--seed', '42', '--quiet', '--tracking', track('a')], { cwd: dir });
    const b = await gator(['run', spec, '--seed', '42', '--quiet', '--tracking', track('b')], { cwd: dir });
    assert.equal(a.code, 1, a.stderr);
    assert.equal(b.code, 1, b.stderr);
    const first = seeds(join(track('a'), 'run.sqlite'));
    assert.deepEqual(seeds(join(track('b'), 'run.sqlite')), first);
    const sims = [...first].filter(([path]) => path.startsWith('top.sims.'));
    assert.equal(sims.length, 8);
    assert.equal(new Set(sims.map(([, seed]) => seed)).size, 8, 'different paths, different seeds');
    assert.ok(sims.every(([, seed]) => seed >= 1 && seed <= 0xffffffff));
    assert.equal(first.get('top.pinned'), 77);
    const db = openDb(join(track('a'), 'run.sqlite'));
    try {
      assert.equal(db.prepare('SELECT seed FROM run').pluck().get(), 42);
      // The job saw the seed it is recorded with: as GATOR_SEED, in its args and in its env.
      const row = db.prepare("SELECT id, seed FROM jobs WHERE path = 'top.sims.sim_3'").get() as { id: number; seed: number };
      const line = db.prepare('SELECT text FROM messages WHERE job_id = ? ORDER BY id LIMIT 1').pluck().get(row.id);
      assert.equal(line, `seed ${row.seed} plusargs +ntb_random_seed=${row.seed} mode fast mode`);
      assert.equal(db.prepare("SELECT text FROM messages WHERE job_path = 'top.pinned'").pluck().get(), 'pinned 77');
    } finally {
      db.close();
    }
    const c = await gator(['run', spec, '--seed', '43', '--quiet', '--tracking', track('c')], { cwd: dir });
    assert.equal(c.stderr, '');
    assert.notDeepEqual(seeds(join(track('c'), 'run.sqlite')).get('top.sims.sim_0'), first.get('top.sims.sim_0'));
  });

  it('draws a random run seed when none is given', async () => {
    const r = await gator(['run', spec, '--quiet', '--tracking', track('random')], { cwd: dir });
    assert.equal(r.stderr, '');
    const db = openDb(join(track('random'), 'run.sqlite'));
    try {
      const runSeed = db.prepare('SELECT seed FROM run').pluck().get() as number;
      assert.ok(Number.isInteger(runSeed) && runSeed >= 1);
    } finally {
      db.close();
    }
  });

  it('keeps each seed in `rerun --failed` and draws new ones with --new-seeds', async () => {
    const failed = [...seeds(join(track('a'), 'run.sqlite'))].filter(([path, seed]) => path.startsWith('top.sims.') && seed % 2 === 1);
    assert.ok(failed.length > 0, 'some seeds fail');
    const kept = await gator(['rerun', track('a'), '--failed', '--quiet', '--tracking', track('kept')], { cwd: dir });
    assert.equal(kept.code, 1, 'the same seeds fail again');
    const again = openDb(join(track('kept'), 'run.sqlite'));
    const original = openDb(join(track('a'), 'run.sqlite'));
    try {
      const paths = new Map(
        (original.prepare("SELECT id, path FROM jobs WHERE kind = 'job'").all() as { id: number; path: string }[]).map((r) => [r.id, r.path]),
      );
      const rows = again.prepare("SELECT rerun_of, seed, argv, result FROM jobs WHERE kind = 'job' ORDER BY id").all() as {
        rerun_of: number;
        seed: number;
        argv: string;
        result: string;
      }[];
      assert.deepEqual(
        rows.map((row) => [paths.get(row.rerun_of), row.seed]),
        failed.map(([path, seed]) => [path, seed]),
      );
      assert.ok(rows.every((row) => row.result === 'failure'));
    } finally {
      again.close();
      original.close();
    }

    const fresh = await gator(['rerun', track('a'), '--failed', '--new-seeds', '--seed', '9', '--quiet', '--tracking', track('fresh')], { cwd: dir });
    assert.equal(fresh.stderr, '');
    const db = openDb(join(track('fresh'), 'run.sqlite'));
    try {
      assert.equal(db.prepare('SELECT seed FROM run').pluck().get(), 9);
      const rows = db.prepare("SELECT seed, argv, env FROM jobs WHERE kind = 'job' ORDER BY id").all() as { seed: number; argv: string; env: string }[];
      assert.equal(rows.length, failed.length);
      const before = new Set(failed.map(([, seed]) => seed));
      for (const row of rows) {
        assert.ok(!before.has(row.seed), 'a new seed');
        // Everywhere the old seed was, the new one is.
        const argv = JSON.parse(row.argv) as string[];
        const env = JSON.parse(row.env) as Record<string, string>;
        assert.equal(argv[4], String(row.seed));
        assert.equal(env['GATOR_SEED'], String(row.seed));
        assert.equal(env['PLUSARGS'], `+ntb_random_seed=${row.seed}`);
      }
    } finally {
      db.close();
    }
  });

  it("prints a repro line that, pasted into sh, reproduces a failing job's output byte for byte", async () => {
    const db = openDb(join(track('a'), 'run.sqlite'));
    let path: string;
    let stdout: string;
    let stderr: string;
    try {
      const row = db.prepare("SELECT id, path FROM jobs WHERE kind = 'job' AND result = 'failure' ORDER BY id LIMIT 1").get() as { id: number; path: string };
      path = row.path;
      const lines = (stream: string): string =>
        (db.prepare('SELECT text FROM messages WHERE job_id = ? AND stream = ? ORDER BY id').pluck().all(row.id, stream) as string[])
          .map((t) => `${t}\n`)
          .join('');
      stdout = lines('stdout');
      stderr = lines('stderr');
    } finally {
      db.close();
    }
    const repro = await gator(['repro', track('a'), path], { cwd: dir });
    assert.equal(repro.code, 0, repro.stderr);
    const line = repro.stdout.trimEnd();
    assert.equal(line.split('\n').length, 1, 'one line');
    // Run from elsewhere, with a bare environment: the line carries what the job needs.
    const out = ((): { stdout: string; stderr: string } => {
      try {
        return {
          stdout: execFileSync('sh', ['-c', line], { cwd: '/', encoding: 'utf8', env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] }),
          stderr: '',
        };
      } catch (error) {
        const e = error as { stdout: string; stderr: string; status: number };
        assert.equal(e.status, 1, 'the failing exit code');
        return { stdout: e.stdout, stderr: e.stderr };
      }
    })();
    assert.equal(out.stdout, stdout);
    assert.equal(out.stderr, stderr);
  });

  it('carries the repro line into the report, the JSON export and JUnit', async () => {
    const report = await gator(['report', track('a'), '--no-color'], { cwd: dir });
    assert.match(report.stdout, /^ {2}repro: {5}cd -- .* env .*GATOR_SEED=\d+.* sh -c /m);
    assert.match(report.stdout, /e\.g\. top\.sims\.sim_\d \(exit code 1, seed \d+\)/);
    const json = await gator(['report', track('a'), '--json', '-'], { cwd: dir });
    const tree = JSON.parse(json.stdout) as { run: { seed: number }; root: { children: { children?: { result: string; seed: number; repro: string }[] }[] } };
    assert.equal(tree.run.seed, 42);
    const sims = tree.root.children[0]?.children ?? [];
    const failedSim = sims.find((sim) => sim.result === 'failure');
    assert.ok(failedSim !== undefined);
    assert.match(failedSim.repro, new RegExp(`GATOR_SEED=${failedSim.seed} `));
    const junit = await gator(['report', track('a'), '--junit', '-'], { cwd: dir });
    assert.match(junit.stdout, /<failure [^>]*type="exit">[^<]*seed: \d+[^<]*repro: cd -- /);
  });
});
