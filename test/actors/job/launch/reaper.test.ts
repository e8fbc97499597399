// The Node launcher's reaper: a real runner process killed with SIGKILL, real process groups.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pgrep, ROOT, waitFor } from '../../../helpers/cli.js';

const RUNNER = join(ROOT, 'test', 'fixtures', 'launch', 'reaper-runner.ts');

/** Starts the stand-in runner; resolves with it and the pids of the jobs it started. */
const startRunner = async (marker: string, count: number, mode = ''): Promise<{ runner: ChildProcessWithoutNullStreams; pids: number[] }> => {
  const runner = spawn(process.execPath, ['--import', 'tsx', RUNNER, marker, String(count), mode], { cwd: ROOT, stdio: 'pipe' });
  let out = '';
  runner.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  const line = await waitFor(() => (out.includes('\n') ? out.trim() : undefined), 60_000, 'the jobs to start');
  return { runner, pids: line.split(' ').map(Number) };
};

const reaperOf = (runner: ChildProcessWithoutNullStreams): number[] => pgrep('-P', String(runner.pid), '-f', '^awk ');

/** A marker no other test run uses: the runner's jobs sleep 300.<marker><i> seconds. */
const uniqueDigits = (): string => `${process.pid}${Math.floor(Math.random() * 1e9)}`;

/** Whatever a failed test left: the runner, its reaper, its jobs. */
const cleanUp = (runner: ChildProcessWithoutNullStreams, pids: readonly number[]): void => {
  for (const reaper of reaperOf(runner)) process.kill(reaper, 'SIGKILL');
  runner.kill('SIGKILL');
  for (const pid of pids) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Gone.
    }
  }
};

describe('reaper', () => {
  it('kills every watched process group, whole, when its runner is SIGKILLed', async (t) => {
    const marker = uniqueDigits();
    const { runner, pids } = await startRunner(marker, 3);
    t.after(() => cleanUp(runner, pids));
    assert.equal(pgrep('-f', `^sleep 300.${marker}`).length, 6, 'three jobs of two processes each run');
    assert.equal(reaperOf(runner).length, 1, 'one reaper for the runner');
    runner.kill('SIGKILL');
    await waitFor(() => (pgrep('-f', `^sleep 300.${marker}`).length === 0 ? true : undefined), 30_000, 'every job process to be killed');
  });

  it('leaves alone a group it was told to forget', async (t) => {
    const marker = uniqueDigits();
    const { runner, pids } = await startRunner(marker, 2, 'forget-first');
    t.after(() => cleanUp(runner, pids));
    runner.kill('SIGKILL');
    await waitFor(() => (pgrep('-f', `^sleep 300.${marker}1`).length === 0 ? true : undefined), 30_000, 'the watched job to be killed');
    assert.equal(pgrep('-f', `^sleep 300.${marker}0`).length, 2, 'the forgotten job still runs');
  });

  it("is out of reach of signals to the runner's process group, and replaced with the whole list if killed", async (t) => {
    const marker = uniqueDigits();
    const { runner, pids } = await startRunner(marker, 2);
    t.after(() => cleanUp(runner, pids));
    const [reaper] = reaperOf(runner);
    assert.ok(reaper !== undefined);
    process.kill(reaper, 'SIGKILL');
    await waitFor(
      () => {
        const next = reaperOf(runner);
        return next.length === 1 && next[0] !== reaper ? true : undefined;
      },
      30_000,
      'a new reaper',
    );
    runner.kill('SIGKILL');
    await waitFor(() => (pgrep('-f', `^sleep 300.${marker}`).length === 0 ? true : undefined), 30_000, 'every job process to be killed by the new reaper');
  });
});
