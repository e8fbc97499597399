// Keeping a run on Slurm under control: the submission window, Ctrl+C, a job cancelled behind
// the run's back, spool files alone instead of TCP, and retried submissions.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import type Database from 'better-sqlite3';
import { gator, openDb, processesWith, tempDir, waitFor, writeSpec } from '../../helpers/cli.js';
import { activeJobs, sbatchShim, slurmSkip } from '../../helpers/slurm.js';

const SLURM = ['--scheduler', 'slurm', '--poll-interval', '1'];

/** Reads the run database while the run is still writing it (WAL readers see committed rows). */
const peek = <T>(dbPath: string, read: (db: Database.Database) => T): T | undefined => {
  try {
    const db = openDb(dbPath);
    try {
      return read(db);
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
};

const runName = (dbPath: string): string | undefined =>
  peek(dbPath, (db) => `gator-${(db.prepare('SELECT id FROM run').get() as { id: string }).id.slice(0, 8)}`);

const linesOf = (dbPath: string): Record<string, string[]> =>
  peek(dbPath, (db) => {
    const lines: Record<string, string[]> = {};
    for (const row of db.prepare("SELECT job_path, stream, text FROM messages WHERE stream IN ('stdout', 'stderr') ORDER BY id").all() as {
      job_path: string;
      stream: string;
      text: string;
    }[]) {
      (lines[row.job_path] ??= []).push(`${row.stream}: ${row.text}`);
    }
    return lines;
  })!;

const results = (dbPath: string): Record<string, string> =>
  peek(dbPath, (db) =>
    Object.fromEntries(
      (
        db.prepare('SELECT path, result, failure, exit_code FROM jobs').all() as {
          path: string;
          result: string;
          failure: string | null;
          exit_code: number | null;
        }[]
      ).map((r) => [r.path, `${r.result} ${r.failure} ${r.exit_code}`]),
    ),
  )!;

describe('controlling a run on Slurm', { skip: slurmSkip, timeout: 600_000 }, () => {
  it("keeps at most --max-queued of the run's jobs in squeue", async () => {
    const dir = tempDir('gator-slurm-');
    const spec = writeSpec(
      dir,
      'many.yaml',
      `!JobArray\n  id: many\n  repeats: 40\n  jobs:\n  - !Job\n    id: leaf\n    command: sh\n    args: [-c, 'echo "$GATOR_ARRAY_INDEX"; sleep 1']\n`,
    );
    const dbPath = join(dir, 'run', 'run.sqlite');
    let most = 0;
    let samples = 0;
    let sampler: NodeJS.Timeout | undefined;
    const result = await gator(['run', spec, ...SLURM, '--max-queued', '5', '--tracking', join(dir, 'run')], {
      timeoutMs: 300_000,
      onSpawn: () => {
        sampler = setInterval(() => {
          const name = runName(dbPath);
          if (name === undefined) return;
          samples++;
          most = Math.max(most, activeJobs(name).length);
        }, 150);
      },
    });
    clearInterval(sampler);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.ok(samples > 10, `squeue was sampled ${samples} times`);
    assert.ok(most >= 1 && most <= 5, `at most 5 jobs in squeue at once, saw ${most}`);
    assert.equal(Object.values(linesOf(dbPath)).flat().length, 40);
  });

  it("Ctrl+C cancels the run's jobs in one call, waits for them, records them interrupted and exits 130", async () => {
    const dir = tempDir('gator-slurm-');
    const marker = `gator-stop-${randomBytes(4).toString('hex')}`;
    const spec = writeSpec(
      dir,
      'six.yaml',
      `!JobArray\n  id: six\n  repeats: 6\n  jobs:\n  - !Job\n    id: long\n    command: sh\n    args: [-c, 'echo begun; sleep 300; : ${marker}']\n`,
    );
    const dbPath = join(dir, 'run', 'run.sqlite');
    const shim = sbatchShim(dir);
    let name = '';
    const result = await gator(['run', spec, ...SLURM, '--tracking', join(dir, 'run')], {
      env: { PATH: shim.path },
      timeoutMs: 300_000,
      detached: true,
      onSpawn: (child) => {
        void (async () => {
          await waitFor(
            () =>
              peek(dbPath, (db) => (db.prepare("SELECT count(*) AS n FROM messages WHERE text = 'begun'").get() as { n: number }).n) === 6 ? true : undefined,
            200_000,
            'six running jobs',
          );
          name = runName(dbPath)!;
          assert.equal(activeJobs(name).length, 6);
          // As a terminal's Ctrl+C does: SIGINT to the whole process group.
          process.kill(-child.pid!, 'SIGINT');
        })();
      },
    });
    assert.equal(result.code, 130, result.stdout + result.stderr);
    assert.equal(shim.cancels(), 1, 'one scancel for the whole run');
    assert.deepEqual(activeJobs(name), [], 'no job of the run left in squeue');
    await waitFor(() => (processesWith(marker).length === 0 ? true : undefined), 30_000, 'no job process left');
    const rows = results(dbPath);
    for (let i = 0; i < 6; i++) assert.match(rows[`six.long_${i}`]!, /^failure interrupted/);
  });

  it("a second Ctrl+C exits at once, the run's jobs already cancelled", async () => {
    const dir = tempDir('gator-slurm-');
    const marker = `gator-stop2-${randomBytes(4).toString('hex')}`;
    const spec = writeSpec(
      dir,
      'three.yaml',
      `!JobArray\n  id: three\n  repeats: 3\n  jobs:\n  - !Job\n    id: long\n    command: sh\n    args: [-c, 'trap "" TERM; echo begun; sleep 300; : ${marker}']\n`,
    );
    const dbPath = join(dir, 'run', 'run.sqlite');
    let name = '';
    let secondAt = 0;
    // A long grace: the leaves would take 30 s to kill jobs that ignore SIGTERM.
    const result = await gator(['run', spec, ...SLURM, '--grace', '30', '--tracking', join(dir, 'run')], {
      timeoutMs: 300_000,
      detached: true,
      onSpawn: (child) => {
        void (async () => {
          await waitFor(
            () =>
              peek(dbPath, (db) => (db.prepare("SELECT count(*) AS n FROM messages WHERE text = 'begun'").get() as { n: number }).n) === 3 ? true : undefined,
            200_000,
            'three running jobs',
          );
          name = runName(dbPath)!;
          process.kill(-child.pid!, 'SIGINT');
          await new Promise((resolve) => setTimeout(resolve, 500));
          secondAt = Date.now();
          process.kill(-child.pid!, 'SIGINT');
        })();
      },
    });
    assert.equal(result.code, 130, result.stdout + result.stderr);
    assert.ok(secondAt > 0);
    const rows = results(dbPath);
    for (let i = 0; i < 3; i++) assert.match(rows[`three.long_${i}`]!, /^failure interrupted/);
    // Ended by giving up at once, not by the leaves' final reports (which the 30 s grace holds back).
    const gaveUp = peek(
      dbPath,
      (db) => (db.prepare("SELECT count(*) AS n FROM messages WHERE text LIKE '%killed before the job sent its final report%'").get() as { n: number }).n,
    );
    assert.equal(gaveUp, 3);
    // The first Ctrl+C's scancel still takes them down.
    await waitFor(() => (activeJobs(name).length === 0 ? true : undefined), 60_000, 'the cancelled jobs to leave squeue');
    await waitFor(() => (processesWith(marker).length === 0 ? true : undefined), 60_000, 'no job process left');
  });

  it("fails a job cancelled behind the run's back with a clear reason, and the run goes on to its end", async () => {
    const dir = tempDir('gator-slurm-');
    const spec = writeSpec(
      dir,
      'victim.yaml',
      `!JobGroup\n  id: top\n  jobs:\n  - !Job { id: victim, command: sh, args: [-c, 'echo begun; sleep 300'] }\n  - !Job { id: bystander, command: sh, args: [-c, 'sleep 3; echo fine'] }\n`,
    );
    const dbPath = join(dir, 'run', 'run.sqlite');
    const result = await gator(['run', spec, ...SLURM, '--tracking', join(dir, 'run')], {
      timeoutMs: 300_000,
      onSpawn: () => {
        void (async () => {
          const id = await waitFor(
            () =>
              peek(
                dbPath,
                (db) =>
                  (
                    db
                      .prepare(
                        "SELECT c.cluster_id AS id FROM cluster_jobs c JOIN messages m ON m.job_id = c.job_id WHERE c.job_path = 'top.victim' AND m.text = 'begun'",
                      )
                      .get() as { id: string } | undefined
                  )?.id,
              ),
            200_000,
            'the victim to run',
          );
          execFileSync('scancel', [id]);
        })();
      },
    });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    const rows = results(dbPath);
    // Slurm's SIGTERM kills the shell or only its child first: a signal death or exit 143.
    assert.match(rows['top.victim']!, /^failure (signal null|exit 143)/);
    assert.equal(rows['top.bystander'], 'success null 0');
    const why = peek(dbPath, (db) =>
      (db.prepare("SELECT text FROM messages WHERE job_path = 'top.victim' AND stream = 'runtime'").all() as { text: string }[]).map((r) => r.text),
    )!;
    assert.ok(
      why.some((text) => /stopped by Slurm/.test(text)),
      JSON.stringify(why),
    );
  });

  it('--transport fs records the same as TCP, and the spool offsets reach the end of every spool', async () => {
    const dir = tempDir('gator-slurm-');
    const spec = writeSpec(
      dir,
      'lines.yaml',
      `!JobArray\n  id: lines\n  repeats: 4\n  jobs:\n  - !Job\n    id: talk\n    command: sh\n    args: [-c, 'for i in 1 2 3 4 5; do echo "$GATOR_ARRAY_INDEX line $i"; sleep 0.1; done; echo "partial without newline"; [ $GATOR_ARRAY_INDEX -ne 2 ] || exit 4']\n`,
    );
    const runs: Record<string, string> = {};
    for (const transport of ['tcp', 'fs']) {
      const result = await gator(['run', spec, ...SLURM, '--transport', transport, '--tracking', join(dir, transport)], { timeoutMs: 200_000 });
      assert.equal(result.code, 1, result.stdout + result.stderr);
      runs[transport] = join(dir, transport, 'run.sqlite');
      const offsets = peek(runs[transport], (db) => db.prepare('SELECT job_id, ingested FROM cluster_job').all() as { job_id: number; ingested: number }[])!;
      assert.equal(offsets.length, 4);
      for (const { job_id, ingested } of offsets) assert.equal(ingested, statSync(join(dir, transport, 'cluster', 'spool', `${job_id}.frames`)).size);
    }
    assert.deepEqual(results(runs.fs!), results(runs.tcp!));
    assert.deepEqual(linesOf(runs.fs!), linesOf(runs.tcp!));
    assert.equal(Object.values(linesOf(runs.fs!)).flat().length, 4 * 6);
  });

  it('retries a submission Slurm refused for a moment', async () => {
    const dir = tempDir('gator-slurm-');
    const spec = writeSpec(dir, 'one.yaml', `!Job\n  id: one\n  command: echo\n  args: [hello]\n`);
    const shim = sbatchShim(dir, 1);
    const result = await gator(['run', spec, ...SLURM, '--tracking', join(dir, 'run')], { env: { PATH: shim.path }, timeoutMs: 200_000 });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(shim.calls().length, 2);
  });

  it('holds fewer jobs and carries on when Slurm says the user has too many queued', async () => {
    const dir = tempDir('gator-slurm-');
    const spec = writeSpec(
      dir,
      'four.yaml',
      `!JobArray\n  id: four\n  repeats: 4\n  jobs:\n  - !Job\n    id: one\n    command: echo\n    args: [$GATOR_ARRAY_INDEX]\n`,
    );
    const shim = sbatchShim(
      dir,
      1,
      "sbatch: error: QOSMaxSubmitJobPerUserLimit\nsbatch: error: Batch job submission failed: Job violates accounting/QOS policy (job submit limit, user's size and/or time limits)",
    );
    const result = await gator(['run', spec, ...SLURM, '-v', '--tracking', join(dir, 'run')], { env: { PATH: shim.path }, timeoutMs: 200_000 });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /the cluster refused more jobs/);
    assert.equal(Object.values(linesOf(join(dir, 'run', 'run.sqlite'))).flat().length, 4);
  });

  it('after SIGKILL of the head, gator attach completes the run: every line once, the dependents run', async () => {
    const dir = tempDir('gator-slurm-');
    const spec = writeSpec(
      dir,
      'attach.yaml',
      `!JobGroup
  id: top
  jobs:
  - !JobArray
    id: talkers
    repeats: 3
    jobs:
    - !Job
      id: talk
      command: sh
      args: [-c, 'for i in $$(seq 1 12); do echo "talk $GATOR_ARRAY_INDEX line $$i"; sleep 1; done']
  - !Job
    id: after
    on_pass: [talkers]
    command: echo
    args: [after the talkers]
`,
    );
    const dbPath = join(dir, 'run', 'run.sqlite');
    let name = '';
    let runningAtKill = 0;
    const killed = await gator(['run', spec, ...SLURM, '--tracking', join(dir, 'run')], {
      timeoutMs: 300_000,
      onSpawn: (child) => {
        void (async () => {
          await waitFor(
            () =>
              peek(dbPath, (db) => (db.prepare("SELECT count(*) AS n FROM messages WHERE text LIKE 'talk % line 3'").get() as { n: number }).n) === 3
                ? true
                : undefined,
            200_000,
            'the talkers to be under way',
          );
          name = runName(dbPath)!;
          child.kill('SIGKILL');
        })();
      },
    });
    assert.equal(killed.signal, 'SIGKILL');
    runningAtKill = activeJobs(name).length;
    assert.equal(runningAtKill, 3, 'the jobs outlive their head');
    const attached = await gator(['attach', join(dir, 'run')], { timeoutMs: 300_000 });
    assert.equal(attached.code, 0, attached.stdout + attached.stderr);
    const lines = linesOf(dbPath);
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(
        lines[`top.talkers.talk_${i}`],
        Array.from({ length: 12 }, (_, n) => `stdout: talk ${i} line ${n + 1}`),
      );
    }
    assert.deepEqual(lines['top.after'], ['stdout: after the talkers']);
    const rows = results(dbPath);
    for (const path of ['top.talkers.talk_0', 'top.talkers.talk_1', 'top.talkers.talk_2', 'top.after']) assert.equal(rows[path], 'success null 0', path);
    assert.equal(
      peek(dbPath, (db) => (db.prepare('SELECT result FROM run').get() as { result: string }).result),
      'success',
    );
  });
});
