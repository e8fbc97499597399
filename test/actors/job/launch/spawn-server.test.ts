// The spawn server as the job threads use it: real processes, real pipes, real signals.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Launched, Launcher, LaunchSpec } from '../../../../actors/job/launch/launcher.js';
import { NodeLauncher } from '../../../../actors/job/launch/node-launcher.js';
import { encodeSpawn, FrameReader, type ServerFrame } from '../../../../actors/job/launch/spawn-server-frames.js';
import { SpawnServer } from '../../../../actors/job/launch/spawn-server.js';
import { pgrep, ROOT, tempDir, waitFor } from '../../../helpers/cli.js';

const BINARY = join(ROOT, 'dist', 'native', 'gator-spawn');

interface Outcome {
  pid: number | null;
  stdout: Buffer;
  stderr: Buffer;
  ended: { code: number | null; signal: NodeJS.Signals | null } | null;
  /** Processes the job left behind held its output past the drain. */
  cut: boolean;
  failed: { code: string; message: string; shortage: boolean } | null;
  lost: string | null;
}

interface Watched {
  readonly outcome: Outcome;
  readonly handle: Launched;
  readonly done: Promise<Outcome>;
}

const watch = (launcher: Launcher, spec: Partial<LaunchSpec> & { command: string }): Watched => {
  const outcome: Outcome = { pid: null, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), ended: null, cut: false, failed: null, lost: null };
  let finish!: (outcome: Outcome) => void;
  const done = new Promise<Outcome>((resolve) => (finish = resolve));
  const handle = launcher.launch(
    { args: [], cwd: process.cwd(), env: process.env, ...spec },
    {
      started: (pid) => (outcome.pid = pid),
      failed: (code, message, shortage) => finish({ ...outcome, failed: { code, message, shortage } }),
      output: (stream, chunk) => {
        if (stream === 0) outcome.stdout = Buffer.concat([outcome.stdout, chunk]);
        else outcome.stderr = Buffer.concat([outcome.stderr, chunk]);
      },
      ended: (code, signal, cut) => finish({ ...outcome, ended: { code, signal }, cut }),
      lost: (reason) => finish({ ...outcome, lost: reason }),
    },
  );
  return { outcome, handle, done };
};

const server = (): SpawnServer => {
  const started = SpawnServer.start(BINARY);
  assert.ok(started !== null, 'the spawn server binary runs');
  return started;
};

const alive = (pid: number): boolean => {
  try {
    // A zombie is dead for our purposes: only its exit status is left.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return false;
  }
};

describe('spawn server', () => {
  it('is built by the install', () => {
    assert.ok(existsSync(BINARY), `${BINARY} exists`);
  });

  it('passes both streams byte for byte, invalid UTF-8 and all, and the exit code', async () => {
    const script = 'printf "a\\377b\\n"; seq 200000; printf "to stderr" >&2; exit 3';
    const { outcome, done } = watch(server(), { command: 'sh', args: ['-c', script] });
    const result = await done;
    assert.ok(outcome.pid !== null);
    const expected = Buffer.concat([Buffer.from([0x61, 0xff, 0x62, 0x0a]), Buffer.from(Array.from({ length: 200000 }, (_, i) => `${i + 1}\n`).join(''))]);
    assert.ok(result.stdout.equals(expected), 'stdout arrives whole and in order');
    assert.equal(result.stderr.toString(), 'to stderr');
    assert.deepEqual(result.ended, { code: 3, signal: null });
  });

  it('reports the signal that ended a process', async () => {
    const { done } = watch(server(), { command: 'sh', args: ['-c', 'kill -TERM $$'] });
    assert.deepEqual((await done).ended, { code: null, signal: 'SIGTERM' });
  });

  it('runs each process as the leader of its own process group, with stdin closed', async () => {
    const { done } = watch(server(), { command: 'sh', args: ['-c', 'cut -d" " -f5 /proc/$$/stat; cat; echo "stdin: $?"'] });
    const result = await done;
    const [pgrp, stdin] = result.stdout.toString().trim().split('\n');
    assert.equal(Number(pgrp), result.pid);
    assert.equal(stdin, 'stdin: 0');
  });

  it('looks the command up on the job environment PATH and gives it that environment', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'only-here'), '#!/bin/sh\necho "from $GREETING in $(pwd)"\n');
    chmodSync(join(dir, 'only-here'), 0o755);
    const { done } = watch(server(), { command: 'only-here', cwd: dir, env: { PATH: `${dir}:/usr/bin:/bin`, GREETING: 'the job' } });
    const result = await done;
    assert.equal(result.stdout.toString(), `from the job in ${dir}\n`);
  });

  it('names a missing command and a missing working directory as Node does', async () => {
    const missing = await watch(server(), { command: 'no-such-command-anywhere' }).done;
    assert.equal(missing.failed?.code, 'ENOENT');
    assert.match(missing.failed.message, /exec/);
    const noCwd = await watch(server(), { command: 'true', cwd: '/no/such/dir' }).done;
    assert.equal(noCwd.failed?.code, 'ENOENT');
    assert.match(noCwd.failed.message, /chdir/);
    const node = await watch(new NodeLauncher(), { command: 'no-such-command-anywhere' }).done;
    assert.equal(node.failed?.code, 'ENOENT');
  });

  it('holds a paused process back on its full pipe and lets it finish on resume', async () => {
    const { outcome, handle, done } = watch(server(), { command: 'head', args: ['-c', '4000000', '/dev/zero'] });
    handle.pause();
    let ended = false;
    void done.then(() => (ended = true));
    // Two pipe buffers at most can be in flight; without the pause it would finish at once.
    await waitFor(() => (outcome.pid !== null ? true : undefined), 10_000, 'the start');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(ended, false, 'a paused process cannot finish');
    assert.ok(outcome.stdout.length < 4_000_000);
    handle.resume();
    const result = await done;
    assert.equal(result.stdout.length, 4_000_000);
    assert.deepEqual(result.ended, { code: 0, signal: null });
  });

  it('tells every job it held when it dies, and later jobs start through Node', async () => {
    const launcher = server();
    const { outcome, done } = watch(launcher, { command: 'sleep', args: ['30'] });
    await waitFor(() => outcome.pid ?? undefined, 10_000, 'the start');
    const serverPid = Number(readFileSync(`/proc/${outcome.pid}/stat`, 'latin1').split(') ')[1]!.split(' ')[1]);
    process.kill(serverPid, 'SIGKILL');
    const result = await done;
    assert.match(result.lost ?? '', /spawn server ended/);
    process.kill(-outcome.pid!, 'SIGKILL');
    const later = await watch(launcher, { command: 'echo', args: ['still works'] }).done;
    assert.equal(later.stdout.toString(), 'still works\n');
  });

  it('kills the process groups it runs when its runner goes away', async () => {
    const child = spawn(BINARY, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    const frames: ServerFrame[] = [];
    const reader = new FrameReader();
    child.stdout.on('data', (data: Buffer) => reader.push(data, (frame) => frames.push(frame)));
    child.stdin.write(encodeSpawn(1, process.cwd(), ['sh', '-c', 'sleep 60 & sleep 60'], process.env));
    const started = await waitFor(() => frames.find((frame) => frame.type === 'started'), 10_000, 'the start');
    const pid = (started as { pid: number }).pid;
    child.stdin.end();
    await waitFor(() => (alive(pid) ? undefined : true), 10_000, 'the job to be killed');
    // The background sleep was in the same group, so it went too.
    await waitFor(() => (hasGroup(pid) ? undefined : true), 10_000, 'the group to be gone');
  });

  it("is a session of its own, so the signals sent to its runner's process group never reach it", async () => {
    const launcher = server();
    const { outcome, done } = watch(launcher, { command: 'sleep', args: ['0.2'] });
    await waitFor(() => outcome.pid ?? undefined, 10_000, 'the start');
    const serverPid = parentOf(outcome.pid!);
    const [pgrp, session] = statFields(serverPid, 5, 6);
    assert.deepEqual([pgrp, session], [serverPid, serverPid]);
    assert.notEqual(session, statFields(process.pid, 6)[0]);
    await done;
  });

  it('kills every job when a write to its runner fails, with output still unread', async () => {
    // The runner stops reading (as when it is stopped, then killed): the pipe fills, the
    // server blocks writing to it, and the write fails once the read end is gone.
    const marker = `${process.pid}${Math.floor(Math.random() * 1e6)}`;
    const child = spawn(BINARY, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdin.write(encodeSpawn(1, process.cwd(), ['sh', '-c', 'while :; do echo flood; done', marker], process.env));
    child.stdout.pause();
    await waitFor(() => (pgrep('-f', marker).length > 0 ? true : undefined), 10_000, 'the job to start');
    await new Promise((resolve) => setTimeout(resolve, 500));
    child.stdout.destroy();
    await waitFor(() => (pgrep('-f', marker).length === 0 ? true : undefined), 20_000, 'the flooding job to be killed');
    child.stdin.end();
  });

  it('ends a job whose output an escaped daemon holds, after the drain, saying its output was cut; the daemon dies with the server', async () => {
    const marker = `3${process.pid}${Math.floor(Math.random() * 1e6)}`;
    const child = spawn(BINARY, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    const frames: ServerFrame[] = [];
    const reader = new FrameReader();
    child.stdout.on('data', (data: Buffer) => reader.push(data, (frame) => frames.push(frame)));
    child.stdin.write(encodeSpawn(1, process.cwd(), ['sh', '-c', `setsid sleep ${marker} & echo started`], process.env));
    const ended = await waitFor(() => frames.find((frame) => frame.type === 'ended'), 30_000, 'the job to end although its daemon lives');
    assert.deepEqual(ended, { type: 'ended', id: 1, exitCode: 0, signal: 0, cut: true });
    const output = frames.filter((frame) => frame.type === 'output').map((frame) => (frame as { chunk: Buffer }).chunk.toString());
    assert.equal(output.join(''), 'started\n');
    assert.equal(pgrep('-f', `^sleep ${marker}$`).length, 1, "the daemon escaped its job's group and lives");
    child.stdin.end();
    await waitFor(() => (pgrep('-f', `^sleep ${marker}$`).length === 0 ? true : undefined), 20_000, 'the adopted daemon to be killed');
  });

  it('through Node too, a job whose output a daemon holds ends after the drain with its output marked as cut', async (t) => {
    const marker = `4${process.pid}${Math.floor(Math.random() * 1e6)}`;
    t.after(() => pgrep('-f', `^sleep ${marker}$`).forEach((pid) => process.kill(pid, 'SIGKILL')));
    const result = await watch(new NodeLauncher(), { command: 'sh', args: ['-c', `setsid sleep ${marker} & echo started`] }).done;
    assert.deepEqual(result.ended, { code: 0, signal: null });
    assert.equal(result.cut, true);
    assert.equal(result.stdout.toString(), 'started\n');
  });

  it("says a job could not start for want of open files as a shortage, not as the job's fault", async () => {
    const dir = tempDir();
    // 16 descriptors: the server's own five, then two per running job.
    const wrapper = join(dir, 'gator-spawn-16');
    writeFileSync(wrapper, `#!/bin/sh\nexec prlimit --nofile=16:16 ${BINARY}\n`);
    chmodSync(wrapper, 0o755);
    const launcher = SpawnServer.start(wrapper)!;
    const jobs = Array.from({ length: 8 }, () => watch(launcher, { command: 'sleep', args: ['1'] }));
    const results = await Promise.all(jobs.map((job) => job.done));
    const short = results.filter((result) => result.failed !== null);
    assert.ok(short.length > 0, 'some jobs met the limit');
    for (const result of short) assert.deepEqual(result.failed, { code: 'EMFILE', message: 'resource failed: EMFILE', shortage: true });
    assert.ok(results.some((result) => result.ended?.code === 0));
  });

  it('gives jobs back the soft open-file limit it was started with, while it runs at the hard limit', async () => {
    const dir = tempDir();
    const wrapper = join(dir, 'gator-spawn-soft');
    writeFileSync(wrapper, `#!/bin/sh\nexec prlimit --nofile=100:4096 ${BINARY}\n`);
    chmodSync(wrapper, 0o755);
    const launcher = SpawnServer.start(wrapper)!;
    const { outcome, done } = watch(launcher, { command: 'sh', args: ['-c', 'ulimit -Sn; sleep 0.5'] });
    await waitFor(() => outcome.pid ?? undefined, 10_000, 'the start');
    assert.match(readFileSync(`/proc/${parentOf(outcome.pid!)}/limits`, 'latin1'), /Max open files\s+4096\s+4096/);
    assert.equal((await done).stdout.toString(), '100\n');
  });

  it("raises another process's soft open-file limit to its hard limit (--raise-open-files)", async (t) => {
    const sleeper = spawn('prlimit', ['--nofile=64:4096', 'sleep', '30'], { stdio: 'ignore' });
    t.after(() => sleeper.kill('SIGKILL'));
    const pid = await waitFor(() => (/Max open files\s+64\s/.test(limitsOf(sleeper.pid!)) ? sleeper.pid : undefined), 10_000, 'the sleeper');
    assert.equal(execFileSync(BINARY, ['--raise-open-files', String(pid)], { encoding: 'utf8' }), '4096 4096\n');
    assert.match(limitsOf(pid), /Max open files\s+4096\s+4096/);
  });
});

const hasGroup = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Fields of /proc/PID/stat after the command name, 1-based as proc(5) numbers them from `state` (3). */
const statFields = (pid: number, ...fields: number[]): number[] => {
  const rest = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]!.split(' ');
  return fields.map((field) => Number(rest[field - 3]));
};

const parentOf = (pid: number): number => statFields(pid, 4)[0]!;

const limitsOf = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/limits`, 'latin1');
  } catch {
    return '';
  }
};
