// A job that Slurm kills for its time limit, on a real Slurm: its `timeout:` becomes sbatch's
// `--time` in whole minutes, and the kill is recorded as a `timeout` with the limit, as a local
// timeout is, not as the signal that carried it. Slurm checks limits about every 30 s, so the
// one job here runs for one to two minutes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GATOR, gator, openDb, tempDir, writeSpec } from '../../helpers/cli.js';
import { sbatchShim, slurmSkip } from '../../helpers/slurm.js';

const SPEC = `!JobGroup
  id: top
  jobs:
  - !Job
    id: slow
    timeout: 20s
    command: sh
    args: [-c, 'echo started; sleep 600']
`;

interface Ended {
  result: string;
  failure: string | null;
  signal: string | null;
  timeout: number | null;
}

const endOf = (dbPath: string): { job: Ended; runtime: { severity: string; text: string }[] } => {
  const db = openDb(dbPath);
  try {
    return {
      job: db.prepare("SELECT result, failure, signal, timeout FROM jobs WHERE path = 'top.slow'").get() as Ended,
      runtime: db.prepare("SELECT severity, text FROM messages WHERE job_path = 'top.slow' AND stream = 'runtime' ORDER BY id").all() as {
        severity: string;
        text: string;
      }[],
    };
  } finally {
    db.close();
  }
};

/** The reason `gator report` gives for the run's one failure group. */
const reportedReason = (tracking: string): string => {
  const report = execFileSync(process.execPath, [GATOR, 'report', tracking], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const match = /e\.g\. top\.slow \(([^,)]*)/.exec(report);
  assert.ok(match !== null, report);
  return match[1]!;
};

describe('a Slurm time limit', { skip: slurmSkip, timeout: 600_000 }, () => {
  it('is a timeout with its limit: timeout: 20s goes to sbatch as --time=00:01:00, and the kill at that minute is recorded as a timeout of 1 min', async () => {
    const dir = tempDir('gator-slurm-time-');
    const spec = writeSpec(dir, 'slow.yaml', SPEC);
    const shim = sbatchShim(dir);
    const remote = await gator(['run', spec, '--scheduler', 'slurm', '--poll-interval', '1', '--tracking', join(dir, 'slurm')], {
      env: { PATH: shim.path },
      timeoutMs: 400_000,
    });
    assert.equal(remote.code, 1, remote.stdout + remote.stderr);
    // Slurm's granularity is the minute: 20 s is rounded up, never down to nothing.
    const [submitted] = shim.calls();
    assert.ok(submitted?.argv.includes('--time=00:01:00'), JSON.stringify(submitted?.argv));

    const { job, runtime } = endOf(join(dir, 'slurm', 'run.sqlite'));
    // The limit Slurm enforced, not the signal that carried its kill, nor a lost job.
    assert.deepEqual({ result: job.result, failure: job.failure, timeout: job.timeout }, { result: 'failure', failure: 'timeout', timeout: 60 });
    assert.ok(
      runtime.some((line) => line.severity === 'ERROR' && /^reached its 1 min Slurm time limit: Slurm stopped it/.test(line.text)),
      JSON.stringify(runtime),
    );
    assert.ok(!runtime.some((line) => /cancelled|lost/.test(line.text)), JSON.stringify(runtime));
    assert.equal(reportedReason(join(dir, 'slurm')), 'timed out after 1 min');

    // The same job run here, stopped by its own (scaled) timeout: the same failure, in the same words.
    const local = await gator(['run', spec, '--timeout-multiplier', '0.1', '--tracking', join(dir, 'local')], { timeoutMs: 120_000 });
    assert.equal(local.code, 1, local.stdout + local.stderr);
    const here = endOf(join(dir, 'local', 'run.sqlite')).job;
    assert.deepEqual({ result: here.result, failure: here.failure, timeout: here.timeout }, { result: 'failure', failure: 'timeout', timeout: 2 });
    assert.equal(reportedReason(join(dir, 'local')), 'timed out after 2 s');
  });
});
