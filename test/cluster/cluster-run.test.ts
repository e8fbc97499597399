// The cluster layer against a real Slurm: submission in arrays chunked at MaxArraySize, frames
// delivered exactly once over TCP and from spool files alone, refusals per job, and a cancel.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ClusterRun, type LeafJob, type LeafListener } from '../../cluster/cluster-run.js';
import type { Transport } from '../../cluster/manifest.js';
import { clusterPaths } from '../../cluster/manifest.js';
import { SlurmBackend } from '../../cluster/slurm/backend.js';
import { spoolPath } from '../../cluster/spool.js';
import { ROOT, tempDir, waitFor } from '../helpers/cli.js';
import { slurmSkip } from '../helpers/slurm.js';

interface Heard {
  events: string[];
  stdout: string;
  stderr: string;
  samples: number;
  ingested: number;
  end: string | null;
  host: string | null;
}

const NO_RESOURCES = { cores: 0, memoryBytes: 0, licenses: {}, timeSeconds: null, partition: null, account: null, qos: null, extraArgs: [] };

const listen = (): { heard: Heard; listener: LeafListener } => {
  const heard: Heard = { events: [], stdout: '', stderr: '', samples: 0, ingested: 0, end: null, host: null };
  const listener: LeafListener = {
    submitted: () => heard.events.push('submitted'),
    hello: (host) => {
      heard.host = host;
      heard.events.push('hello');
    },
    started: () => heard.events.push('started'),
    failed: (code, message) => (heard.end = `failed ${code} ${message}`),
    output: (stream, chunk) => {
      if (stream === 0) heard.stdout += chunk.toString();
      else heard.stderr += chunk.toString();
    },
    sample: () => heard.samples++,
    warning: (text) => heard.events.push(`warning ${text}`),
    timeLimit: (seconds) => heard.events.push(`time-limit ${seconds}`),
    ingested: (offset) => (heard.ingested = offset),
    ended: (code, signal) => (heard.end = `ended ${code} ${signal}`),
    rejected: (message) => (heard.end = `rejected ${message}`),
    withdrawn: () => (heard.end = 'withdrawn'),
    lost: (reason, tail) => (heard.end = `lost ${reason} ${tail ?? ''}`),
  };
  return { heard, listener };
};

const makeRun = (dir: string, transport: Transport, overrides: Partial<ConstructorParameters<typeof ClusterRun>[0]> = {}): ClusterRun =>
  new ClusterRun(
    {
      name: `gator-t${randomBytes(4).toString('hex')}`,
      paths: clusterPaths(dir),
      transport,
      bind: '127.0.0.1',
      maxQueued: 1000,
      submitRate: 50,
      pollInterval: 1,
      pollMax: 2,
      lostGrace: 5,
      interval: 0.2,
      grace: 2,
      nodePath: process.execPath,
      leafMain: join(ROOT, 'dist', 'leaf', 'main.js'),
      batchDelayMs: 100,
      ...overrides,
    },
    new SlurmBackend(),
  );

const job = (id: number, dir: string, script: string, resources = NO_RESOURCES): LeafJob => ({
  id,
  command: 'sh',
  args: ['-c', script],
  cwd: dir,
  env: { GATOR_TEST_ID: String(id) },
  resources,
});

describe('ClusterRun on Slurm', { skip: slurmSkip, timeout: 240_000 }, () => {
  for (const transport of ['tcp', 'fs', 'auto'] as const) {
    it(`delivers every byte exactly once and samples from the node (${transport})`, async () => {
      const dir = tempDir('gator-cluster-');
      const run = makeRun(dir, transport);
      const heard = [1, 2, 3].map((id) => {
        const { heard, listener } = listen();
        run.launch(job(id, dir, `for i in 1 2 3 4 5 6; do echo "line $i of $GATOR_TEST_ID"; sleep 0.2; done; echo oops >&2; exit ${id - 1}`), listener);
        return heard;
      });
      await waitFor(() => (heard.every((h) => h.end !== null) ? true : undefined), 120_000, 'all three jobs to end');
      run.close();
      heard.forEach((h, i) => {
        assert.equal(h.end, `ended ${i} null`);
        assert.equal(h.stdout, [1, 2, 3, 4, 5, 6].map((n) => `line ${n} of ${i + 1}\n`).join(''));
        assert.equal(h.stderr, 'oops\n');
        assert.ok(h.samples >= 1, 'samples were taken on the compute side');
        assert.ok(h.host !== null);
        assert.deepEqual(h.events.slice(0, 3), ['submitted', 'hello', 'started']);
        assert.equal(h.ingested, statSync(spoolPath(clusterPaths(dir).spoolDir, i + 1)).size, 'ingested to the end of the spool');
      });
      // Three like jobs ready together: one submission.
      assert.equal(run.backend.calls.submit, 1);
    });
  }

  it('chunks a 250-task array at MaxArraySize and refuses a bad licence per job', async () => {
    const dir = tempDir('gator-cluster-');
    const run = makeRun(dir, 'auto');
    const heard = Array.from({ length: 250 }, (_, i) => {
      const { heard, listener } = listen();
      run.launch(job(i + 1, dir, 'echo "$GATOR_TEST_ID"'), listener);
      return heard;
    });
    const bad = listen();
    run.launch(job(1000, dir, 'true', { ...NO_RESOURCES, licenses: { nosuchlicence: 1 } }), bad.listener);
    await waitFor(() => (heard.every((h) => h.end !== null) && bad.heard.end !== null ? true : undefined), 200_000, 'the array to finish');
    run.close();
    const maxArray = run.limits!.maxArrayTasks;
    assert.equal(run.backend.calls.submit, Math.ceil(250 / maxArray) + 1);
    assert.deepEqual(
      heard.map((h) => h.end),
      heard.map(() => 'ended 0 null'),
    );
    assert.deepEqual(
      heard.map((h) => h.stdout),
      heard.map((_, i) => `${i + 1}\n`),
    );
    assert.match(bad.heard.end!, /^rejected .*Invalid license specification/);
  });

  it('cancels the whole run in one call and hears the leaves stop', async () => {
    const dir = tempDir('gator-cluster-');
    const run = makeRun(dir, 'auto');
    const heard = [1, 2, 3].map((id) => {
      const { heard, listener } = listen();
      run.launch(job(id, dir, 'echo begun; sleep 300'), listener);
      return heard;
    });
    await waitFor(() => (heard.every((h) => h.stdout.includes('begun')) ? true : undefined), 120_000, 'the jobs to start');
    run.stop(false);
    await waitFor(() => (heard.every((h) => h.end !== null) ? true : undefined), 60_000, 'the jobs to end');
    run.close();
    assert.equal(run.backend.calls.cancel, 1);
    for (const h of heard) {
      assert.match(h.end!, /^ended null SIGTERM|^ended 143/, JSON.stringify(h));
      assert.ok(h.events.some((event) => event.startsWith('warning stopped by Slurm')));
    }
  });

  it("fails a job whose leaf died without a final frame, with Slurm's state and the output tail", async () => {
    const dir = tempDir('gator-cluster-');
    const run = makeRun(dir, 'auto', { lostGrace: 2 });
    const { heard, listener } = listen();
    let leafPid = 0;
    run.launch(job(1, dir, 'echo begun; sleep 300'), { ...listener, hello: (host) => ((heard.host = host), undefined) });
    await waitFor(() => (heard.stdout.includes('begun') ? true : undefined), 120_000, 'the job to start');
    // The hello frame's pid is the leaf's; kill it so no final frame is written.
    const { readSpool } = await import('../../cluster/spool.js');
    for (const { frame } of readSpool(spoolPath(clusterPaths(dir).spoolDir, 1), 0).frames) if (frame.type === 'hello') leafPid = frame.pid;
    assert.ok(leafPid > 0);
    process.kill(leafPid, 'SIGKILL');
    await waitFor(() => (heard.end !== null ? true : undefined), 120_000, 'the job to be failed');
    run.close();
    assert.match(heard.end!, /^lost Slurm reports the job (FAILED|CANCELLED|COMPLETED)/);
  });
});
