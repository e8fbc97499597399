// `gator run --scheduler slurm` against a real Slurm: the same results, lines and verdicts as a
// local run, arrays chunked at MaxArraySize, dependencies decided by the head, resources and
// licences as Slurm sees them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gator, openDb, ROOT, tempDir, writeSpec } from '../../helpers/cli.js';
import { sbatchShim, showJob, slurmSkip } from '../../helpers/slurm.js';

const SLURM = ['--scheduler', 'slurm', '--poll-interval', '1'];

interface JobRow {
  path: string;
  result: string;
  exit_code: number | null;
  failure: string | null;
  started_at: number | null;
  ended_at: number | null;
}

const jobsOf = (dbPath: string): Map<string, JobRow> => {
  const db = openDb(dbPath);
  try {
    const rows = db.prepare('SELECT path, result, exit_code, failure, started_at, ended_at FROM jobs').all() as JobRow[];
    return new Map(rows.map((row) => [row.path, row]));
  } finally {
    db.close();
  }
};

/** Each job's stdout and stderr lines, sorted: what must be the same wherever the job ran. */
const linesOf = (dbPath: string): Record<string, string[]> => {
  const db = openDb(dbPath);
  try {
    const rows = db.prepare("SELECT job_path, stream, text FROM messages WHERE stream IN ('stdout', 'stderr') ORDER BY id").all() as {
      job_path: string;
      stream: string;
      text: string;
    }[];
    const lines: Record<string, string[]> = {};
    for (const row of rows) (lines[row.job_path] ??= []).push(`${row.stream}: ${row.text}`);
    for (const list of Object.values(lines)) list.sort();
    return lines;
  } finally {
    db.close();
  }
};

const verdicts = (dbPath: string): Record<string, string> =>
  Object.fromEntries([...jobsOf(dbPath).values()].map((row) => [row.path, `${row.result} ${row.failure ?? ''} ${row.exit_code ?? ''}`]));

const REGRESSION = `!JobGroup
  id: regression
  jobs:
  - !Job
    id: build
    command: sh
    args: [-c, 'echo "build: start"; sleep 1.5; echo "build: done"']
  - !JobArray
    id: sims
    on_pass: [build]
    repeats: 250
    jobs:
    - !Job
      id: sim
      command: sh
      args:
        - -c
        - |
          echo "seed $GATOR_ARRAY_INDEX"
          if [ $(( GATOR_ARRAY_INDEX % 50 )) -eq 7 ]; then echo "UVM_ERROR seed $GATOR_ARRAY_INDEX" >&2; fi
          echo "done $GATOR_ARRAY_INDEX"
  - !JobGroup
    id: report
    on_done: [sims]
    jobs:
    - !Job
      id: merge
      command: sh
      args: [-c, 'echo merged; echo "a warning" >&2']
    - !Job
      id: summary
      on_fail: [merge]
      command: echo
      args: [summary after a failed merge]
`;

describe('gator run --scheduler slurm', { skip: slurmSkip, timeout: 600_000 }, () => {
  it('records the seed README spec exactly as a local run does', async () => {
    const dir = tempDir('gator-slurm-');
    const spec = join(ROOT, 'examples', 'seed-readme.yaml');
    const local = await gator(['run', spec, '--tracking', join(dir, 'local')]);
    const remote = await gator(['run', spec, ...SLURM, '--tracking', join(dir, 'slurm')], { timeoutMs: 180_000 });
    assert.equal(local.code, 0, local.stderr);
    assert.equal(remote.code, 0, remote.stdout + remote.stderr);
    assert.deepEqual(verdicts(join(dir, 'slurm', 'run.sqlite')), verdicts(join(dir, 'local', 'run.sqlite')));
    assert.deepEqual(linesOf(join(dir, 'slurm', 'run.sqlite')), linesOf(join(dir, 'local', 'run.sqlite')));
  });

  it('runs a regression (build, a 250-instance array on_pass, a report group) with the same results, lines and samples from the nodes', async () => {
    const dir = tempDir('gator-slurm-');
    const spec = writeSpec(dir, 'regression.yaml', REGRESSION);
    const shim = sbatchShim(dir);
    const local = await gator(['run', spec, '--interval', '0.2', '--tracking', join(dir, 'local')], { timeoutMs: 300_000 });
    const remote = await gator(['run', spec, ...SLURM, '--interval', '0.2', '--tracking', join(dir, 'slurm')], {
      env: { PATH: shim.path },
      timeoutMs: 400_000,
    });
    assert.equal(local.code, 1, local.stderr);
    assert.equal(remote.code, 1, remote.stdout + remote.stderr);
    const localDb = join(dir, 'local', 'run.sqlite');
    const remoteDb = join(dir, 'slurm', 'run.sqlite');
    assert.deepEqual(verdicts(remoteDb), verdicts(localDb));
    const lines = linesOf(remoteDb);
    assert.deepEqual(lines, linesOf(localDb));
    // Every line exactly once: 2 per instance, plus the 5 stderr lines of the failing seeds.
    const simLines = Object.entries(lines)
      .filter(([path]) => path.startsWith('regression.sims.'))
      .flatMap(([, list]) => list);
    assert.equal(simLines.length, 250 * 2 + 5);
    const db = openDb(remoteDb);
    try {
      const samples = db.prepare("SELECT count(*) AS n FROM samples WHERE job_path = 'regression.build'").get() as { n: number };
      assert.ok(samples.n >= 1, 'the build job was sampled on its node');
      const hosts = db.prepare('SELECT DISTINCT host FROM cluster_jobs').all() as { host: string | null }[];
      assert.deepEqual(
        hosts.map((row) => typeof row.host),
        ['string'],
      );
    } finally {
      db.close();
    }
    // build, the array in ⌈250/MaxArraySize⌉ chunks, then the report group's ready jobs.
    const maxArray = Number(/MaxArraySize\s*=\s*(\d+)/.exec(execFileSync('scontrol', ['show', 'config'], { encoding: 'utf8' }))![1]);
    const arrayCalls = shim.calls().filter((call) => call.argv.some((arg) => arg.startsWith('--array=')));
    const taskCounts = arrayCalls.map((call) => Number(/--array=0-(\d+)/.exec(call.argv.find((arg) => arg.startsWith('--array='))!)![1]) + 1);
    assert.equal(taskCounts.filter((n) => n > 2).length, Math.ceil(250 / maxArray));
    assert.equal(
      taskCounts.filter((n) => n > 2).reduce((a, b) => a + b, 0),
      250,
    );
  });

  it('submits a 250-instance uniform array as ⌈250/MaxArraySize⌉ sbatch calls with every GATOR_ARRAY_INDEX', async () => {
    const dir = tempDir('gator-slurm-');
    const spec = writeSpec(
      dir,
      'array.yaml',
      `!JobArray\n  id: wide\n  repeats: 250\n  jobs:\n  - !Job\n    id: leaf\n    command: sh\n    args: [-c, 'echo "index $GATOR_ARRAY_INDEX"']\n`,
    );
    const shim = sbatchShim(dir);
    const result = await gator(['run', spec, ...SLURM, '--tracking', join(dir, 'run')], { env: { PATH: shim.path }, timeoutMs: 300_000 });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const maxArray = Number(/MaxArraySize\s*=\s*(\d+)/.exec(execFileSync('scontrol', ['show', 'config'], { encoding: 'utf8' }))![1]);
    assert.equal(shim.calls().length, Math.ceil(250 / maxArray));
    const db = openDb(join(dir, 'run', 'run.sqlite'));
    try {
      const indices = (db.prepare("SELECT text FROM messages WHERE stream = 'stdout'").all() as { text: string }[]).map((row) =>
        Number(row.text.split(' ')[1]),
      );
      assert.deepEqual(
        indices.sort((a, b) => a - b),
        Array.from({ length: 250 }, (_, i) => i),
      );
    } finally {
      db.close();
    }
  });

  it('decides on_pass, on_fail, on_done and message limits in the head: dependents wait for verdicts, pruned jobs never reach Slurm', async () => {
    const dir = tempDir('gator-slurm-');
    const spec = writeSpec(
      dir,
      'deps.yaml',
      `!JobGroup
  id: top
  jobs:
  - !Job { id: passes, command: sh, args: [-c, 'sleep 1; echo ok'] }
  - !Job { id: noisy, command: sh, args: [-c, 'echo "one error line" >&2; exit 0'] }
  - !Job { id: after_pass, on_pass: [passes], command: echo, args: [ran after pass] }
  - !Job { id: after_fail_of_pass, on_fail: [passes], command: echo, args: [never] }
  - !Job { id: after_noisy_fail, on_fail: [noisy], command: echo, args: [ran after the error limit failed noisy] }
  - !Job { id: after_noisy_pass, on_pass: [noisy], command: echo, args: [never either] }
  - !Job { id: after_both, on_done: [passes, noisy], command: echo, args: [ran after both] }
`,
    );
    const shim = sbatchShim(dir);
    const result = await gator(['run', spec, ...SLURM, '--tracking', join(dir, 'run')], { env: { PATH: shim.path }, timeoutMs: 300_000 });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    const jobs = jobsOf(join(dir, 'run', 'run.sqlite'));
    assert.equal(jobs.get('top.passes')!.result, 'success');
    assert.equal(jobs.get('top.noisy')!.result, 'failure');
    assert.equal(jobs.get('top.noisy')!.failure, 'error-count');
    assert.equal(jobs.get('top.after_pass')!.result, 'success');
    assert.equal(jobs.get('top.after_noisy_fail')!.result, 'success');
    assert.equal(jobs.get('top.after_both')!.result, 'success');
    assert.equal(jobs.get('top.after_fail_of_pass')!.result, 'aborted');
    assert.equal(jobs.get('top.after_noisy_pass')!.result, 'aborted');
    // Slurm saw only the jobs that ran: read the manifests of every submission.
    const { readManifest } = await import('../../../cluster/manifest.js');
    const submitted = shim.calls().flatMap((call) => readManifest(call.argv[call.argv.length - 1]!).tasks.map((task) => task.id));
    const idOf = (path: string): number => {
      const db = openDb(join(dir, 'run', 'run.sqlite'));
      try {
        return (db.prepare('SELECT id FROM jobs WHERE path = ?').get(path) as { id: number }).id;
      } finally {
        db.close();
      }
    };
    assert.deepEqual(
      submitted.sort((a, b) => a - b),
      ['top.passes', 'top.noisy', 'top.after_pass', 'top.after_noisy_fail', 'top.after_both'].map(idOf).sort((a, b) => a - b),
    );
    // A dependent is submitted only after its dependencies' verdicts are in.
    const submittedAt = new Map<number, number>();
    for (const call of shim.calls()) for (const task of readManifest(call.argv[call.argv.length - 1]!).tasks) submittedAt.set(task.id, call.ts);
    for (const [dependent, deps] of [
      ['top.after_pass', ['top.passes']],
      ['top.after_noisy_fail', ['top.noisy']],
      ['top.after_both', ['top.passes', 'top.noisy']],
    ] as const) {
      for (const dep of deps) assert.ok(submittedAt.get(idOf(dependent))! >= jobs.get(dep)!.ended_at!, `${dependent} was submitted after ${dep} ended`);
    }
  });

  it('passes !Cores, !Memory and !License to Slurm, serialises a one-seat licence, and fails only the job with an invalid licence', async () => {
    const dir = tempDir('gator-slurm-');
    const spec = writeSpec(
      dir,
      'resources.yaml',
      `!JobGroup
  id: top
  jobs:
  - !Job
    id: sized
    resources: [!Cores [2], !Memory [100, MB], !License [xcelium, 1]]
    command: sh
    args: [-c, 'echo "$$SLURM_JOB_ID" > ${dir}/sized.id; sleep 2']
  - !Job
    id: vcs_a
    resources: [!License [vcs, 1]]
    command: sh
    args: [-c, 'date +%s.%N; sleep 2; date +%s.%N']
  - !Job
    id: vcs_b
    resources: [!License [vcs, 1]]
    command: sh
    args: [-c, 'date +%s.%N; sleep 2; date +%s.%N']
  - !Job
    id: bad_licence
    resources: [!License [nosuchtool, 1]]
    command: echo
    args: [never runs]
  - !Job { id: plain, command: echo, args: [fine] }
`,
    );
    let seen: Map<string, string> | null = null;
    const result = await gator(['run', spec, ...SLURM, '--tracking', join(dir, 'run')], {
      timeoutMs: 300_000,
      onSpawn: () => {
        const poll = setInterval(() => {
          try {
            const id = readFileSync(join(dir, 'sized.id'), 'utf8').trim();
            if (id !== '' && seen === null) {
              seen = showJob(id);
              clearInterval(poll);
            }
          } catch {
            // Not started yet.
          }
        }, 200);
        setTimeout(() => clearInterval(poll), 200_000).unref();
      },
    });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.ok(seen !== null, 'scontrol show job saw the sized job');
    const job = seen as Map<string, string>;
    assert.equal(job.get('NumCPUs'), '2');
    assert.equal(job.get('MinMemoryNode'), '100M');
    assert.equal(job.get('Licenses'), 'xcelium:1');
    const jobs = jobsOf(join(dir, 'run', 'run.sqlite'));
    assert.equal(jobs.get('top.bad_licence')!.result, 'failure');
    for (const path of ['top.sized', 'top.vcs_a', 'top.vcs_b', 'top.plain']) assert.equal(jobs.get(path)!.result, 'success', path);
    const db = openDb(join(dir, 'run', 'run.sqlite'));
    try {
      const refusal = db.prepare("SELECT text FROM messages WHERE job_path = 'top.bad_licence' AND stream = 'runtime'").all() as { text: string }[];
      assert.ok(
        refusal.some((row) => /Invalid license specification/.test(row.text)),
        JSON.stringify(refusal),
      );
      const span = (path: string): [number, number] => {
        const times = (db.prepare("SELECT text FROM messages WHERE job_path = ? AND stream = 'stdout' ORDER BY id").all(path) as { text: string }[]).map(
          (row) => Number(row.text),
        );
        return [times[0]!, times[1]!];
      };
      const [a, b] = [span('top.vcs_a'), span('top.vcs_b')];
      assert.ok(a[1] <= b[0] || b[1] <= a[0], `the two vcs jobs overlapped: ${JSON.stringify([a, b])}`);
    } finally {
      db.close();
    }
  });

  it("passes the options, Python Gator's --sched-arg, a node's scheduler: section and a job's timeout to sbatch", async () => {
    const dir = tempDir('gator-slurm-');
    const spec = writeSpec(
      dir,
      'options.yaml',
      `!JobGroup
  id: top
  scheduler: {args: [--nice=5]}
  jobs:
  - !Job
    id: sectioned
    scheduler: {time: 2h, args: [--comment-free]}
    command: 'true'
  - !Job
    id: timed
    timeout: 90s
    command: 'true'
`,
    );
    const shim = sbatchShim(dir);
    const result = await gator(['run', spec, ...SLURM, '--sched-arg', 'queue=debug', '--sbatch-arg=--requeue', '--tracking', join(dir, 'run')], {
      env: { PATH: shim.path },
      timeoutMs: 200_000,
    });
    // --comment-free is no sbatch option: Slurm refuses that job, with its own message, and the other runs.
    assert.equal(result.code, 1, result.stdout + result.stderr);
    const calls = shim.calls();
    assert.equal(calls.length, 2);
    const sectioned = calls.find((call) => call.argv.includes('--comment-free'))!;
    const timed = calls.find((call) => !call.argv.includes('--comment-free'))!;
    for (const call of [sectioned, timed]) {
      assert.ok(call.argv.includes('--partition=debug'), JSON.stringify(call.argv));
      assert.ok(call.argv.includes('--requeue') && call.argv.includes('--nice=5'), JSON.stringify(call.argv));
    }
    assert.ok(sectioned.argv.includes('--time=02:00:00'), JSON.stringify(sectioned.argv));
    assert.ok(timed.argv.includes('--time=00:02:00'), JSON.stringify(timed.argv));
    const jobs = jobsOf(join(dir, 'run', 'run.sqlite'));
    assert.equal(jobs.get('top.timed')!.result, 'success');
    assert.equal(jobs.get('top.sectioned')!.result, 'failure');
    assert.equal(jobs.get('top.sectioned')!.failure, 'spawn');
  });
});
