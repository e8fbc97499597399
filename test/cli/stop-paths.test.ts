// Every way a run is stopped in practice, on both launchers: a terminal's Ctrl+C and hang-up
// (a real pseudo-terminal, through tmux), `kill -- -PGID` with INT, TERM, HUP and KILL as CI
// cancels send it, `timeout`, and a runner SIGKILLed with output unread. Graceful stops record
// the running jobs as interrupted and keep what their TERM handlers print; whatever the way,
// no job process outlives the runner.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Tmux, tmuxAvailable } from '../helpers/console/tmux.js';
import { gator, GATOR, openDb, pgrep, tempDir, waitFor, writeSpec, type GatorResult } from '../helpers/cli.js';

const LAUNCHERS = [
  { name: 'spawn server', env: {} },
  { name: 'Node launcher', env: { GATOR_SPAWN_SERVER: '0' } },
] as const;

interface Stoppable {
  readonly dir: string;
  readonly spec: string;
  readonly tracking: string;
  readonly dbPath: string;
  /** In the command line of every job process, and of nothing else. */
  readonly marker: string;
}

/**
 * `a` says when its TERM handler is in place, and says so again on SIGTERM; `b` just sleeps;
 * `later` waits for `a` and so never starts.
 */
const stoppable = (): Stoppable => {
  const dir = tempDir();
  const marker = `${Math.floor(Math.random() * 1e9) + 1000}`;
  const spec = writeSpec(
    dir,
    'stoppable.yaml',
    `!JobGroup
  id: top
  jobs:
  - !Job
    id: a
    command: sh
    args: [-c, "trap 'echo got TERM; exit 3' TERM; echo ready; sleep ${marker} & wait", a${marker}]
  - !Job { id: b, command: sleep, args: ["${marker}.5"] }
  - !Job { id: later, command: "true", on_done: [a] }
`,
  );
  const tracking = join(dir, 'run');
  return { dir, spec, tracking, dbPath: join(tracking, 'run.sqlite'), marker };
};

const query = <T>(dbPath: string, sql: string): T | undefined => {
  try {
    const db = openDb(dbPath);
    try {
      return db.prepare(sql).get() as T;
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
};

/** Both jobs run and `a`'s TERM handler is in place. */
const bothRunning = (run: Stoppable): Promise<true> =>
  waitFor(
    () => {
      const running = query<{ n: number }>(run.dbPath, "SELECT count(*) AS n FROM jobs WHERE kind = 'job' AND state = 'running'")?.n;
      const ready = query<{ n: number }>(run.dbPath, "SELECT count(*) AS n FROM messages WHERE job_path = 'top.a' AND text = 'ready'")?.n;
      return running === 2 && ready === 1 ? true : undefined;
    },
    60_000,
    'both jobs to run',
  );

const noJobProcessLeft = (run: Stoppable): Promise<true> =>
  waitFor(() => (pgrep('-f', run.marker).length === 0 ? true : undefined), 30_000, `no process of the run's jobs (${pgrep('-f', run.marker).join(' ')})`);

/** What a graceful stop leaves in the database. */
const assertInterrupted = (run: Stoppable): void => {
  const db = openDb(run.dbPath);
  try {
    const jobs = db.prepare("SELECT ident, result, failure FROM jobs WHERE kind = 'job' ORDER BY id").all();
    assert.deepEqual(jobs, [
      { ident: 'a', result: 'failure', failure: 'interrupted' },
      { ident: 'b', result: 'failure', failure: 'interrupted' },
      { ident: 'later', result: 'aborted', failure: null },
    ]);
    const lines = db.prepare("SELECT text FROM messages WHERE job_path = 'top.a' AND stream = 'stdout' ORDER BY id").pluck().all();
    assert.deepEqual(lines, ['ready', 'got TERM'], 'the TERM handler ran and its output was kept');
    assert.deepEqual(db.prepare('SELECT result, exit_code FROM run').get(), { result: 'interrupted', exit_code: 130 });
  } finally {
    db.close();
  }
};

const runDetached = (
  run: Stoppable,
  env: Readonly<Record<string, string>>,
  under: readonly string[] = [],
): { done: Promise<GatorResult>; pid: () => number } => {
  let child: ChildProcess | undefined;
  const done = gator(['run', run.spec, '--tracking', run.tracking, '--grace', '20'], {
    env,
    detached: true,
    under,
    onSpawn: (spawned) => (child = spawned),
  });
  return { done, pid: () => child!.pid! };
};

const skipTty = tmuxAvailable() ? false : 'tmux is not installed (apt-get install -y tmux)';

for (const launcher of LAUNCHERS) {
  describe(`stopping a run (${launcher.name})`, () => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      it(`kill -${signal.slice(3)} -- -PGID: the same graceful stop, jobs interrupted, exit 130`, async () => {
        const run = stoppable();
        const { done, pid } = runDetached(run, launcher.env);
        await bothRunning(run);
        process.kill(-pid(), signal);
        const result = await done;
        assert.equal(result.code, 130, result.stderr);
        assertInterrupted(run);
        await noJobProcessLeft(run);
      });
    }

    it('kill -KILL -- -PGID: no job process outlives the runner', async () => {
      const run = stoppable();
      const { done, pid } = runDetached(run, launcher.env);
      await bothRunning(run);
      process.kill(-pid(), 'SIGKILL');
      assert.equal((await done).signal, 'SIGKILL');
      await noJobProcessLeft(run);
    });

    it('timeout: its TERM to the runner and its group is one graceful stop; timeout exits 124', async () => {
      const run = stoppable();
      const { done, pid } = runDetached(run, launcher.env, ['timeout', '3600']);
      await bothRunning(run);
      // SIGALRM is timeout's own timer going off: it then signals as it does at expiry.
      process.kill(pid(), 'SIGALRM');
      const result = await done;
      assert.equal(result.code, 124, result.stderr);
      assertInterrupted(run);
      await noJobProcessLeft(run);
    });

    it('runner SIGKILLed with output unread: no job outlives it', async () => {
      const dir = tempDir();
      const marker = `${Math.floor(Math.random() * 1e9) + 1000}`;
      const spec = writeSpec(dir, 'flood.yaml', `!Job\n  id: flood\n  command: sh\n  args: [-c, 'while :; do echo flood; done', f${marker}]\n`);
      const tracking = join(dir, 'run');
      let child: ChildProcess | undefined;
      const done = gator(['run', spec, '--tracking', tracking], { env: launcher.env, onSpawn: (spawned) => (child = spawned) });
      await waitFor(
        () => ((query<{ n: number }>(join(tracking, 'run.sqlite'), 'SELECT count(*) AS n FROM messages')?.n ?? 0) > 1000 ? true : undefined),
        60_000,
        'the flood to be stored',
      );
      // Stopped, the runner reads nothing: the pipes fill and whatever writes to it blocks.
      child!.kill('SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      child!.kill('SIGKILL');
      await done;
      await waitFor(() => (pgrep('-f', `f${marker}`).length === 0 ? true : undefined), 30_000, 'the flooding job to die with its runner');
    });

    it("a terminal's Ctrl+C (tmux): the same graceful stop, exit 130", { skip: skipTty }, async (t) => {
      const run = stoppable();
      const tmux = new Tmux();
      t.after(() => tmux.kill());
      tmux.start([process.execPath, GATOR, 'run', run.spec, '--tracking', run.tracking, '--grace', '20'], {
        width: 120,
        height: 40,
        cwd: run.dir,
        env: launcher.env,
      });
      await bothRunning(run);
      tmux.keys('C-c');
      assert.equal(await tmux.exitCode(), 130);
      assertInterrupted(run);
      await noJobProcessLeft(run);
    });

    it("a terminal's hang-up (tmux closed): the same graceful stop, and the runner exits cleanly", { skip: skipTty }, async (t) => {
      const run = stoppable();
      const errors = join(run.dir, 'stderr.txt');
      const tmux = new Tmux();
      t.after(() => tmux.kill());
      // stdout stays on the terminal that goes away; stderr is kept to look at afterwards.
      const argv = ['sh', '-c', `exec "$@" 2>${errors}`, 'sh', process.execPath, GATOR, 'run', run.spec, '--tracking', run.tracking, '--grace', '20'];
      tmux.start(argv, { width: 120, height: 40, cwd: run.dir, env: launcher.env });
      await bothRunning(run);
      tmux.kill();
      await waitFor(
        () => (query<{ ended: number | null }>(run.dbPath, 'SELECT ended_at AS ended FROM run')?.ended ? true : undefined),
        60_000,
        'the run to end',
      );
      assertInterrupted(run);
      await noJobProcessLeft(run);
      await waitFor(() => (pgrep('-f', run.spec).length === 0 ? true : undefined), 30_000, 'the runner to exit');
      assert.doesNotMatch(existsSync(errors) ? readFileSync(errors, 'utf8') : '', /Assertion|Error/);
    });
  });

  describe(`a job whose daemon escaped its process group (${launcher.name})`, () => {
    it('ends after a short drain once its own process ends, saying its output may have been cut', async (t) => {
      const dir = tempDir();
      const marker = `${Math.floor(Math.random() * 1e9) + 1000}`;
      t.after(() => pgrep('-f', `^sleep ${marker}$`).forEach((pid) => process.kill(pid, 'SIGKILL')));
      const spec = writeSpec(dir, 'daemon.yaml', `!Job\n  id: d\n  command: sh\n  args: [-c, 'setsid sleep ${marker} & echo started']\n`);
      const result = await gator(['run', spec, '--tracking', join(dir, 'run')], { env: launcher.env, timeoutMs: 60_000 });
      assert.equal(result.code, 0, result.stderr);
      const db = openDb(join(dir, 'run', 'run.sqlite'));
      const lines = db.prepare('SELECT severity, text FROM messages ORDER BY id').all() as { severity: string; text: string }[];
      db.close();
      assert.equal(lines[0]?.text, 'started');
      assert.equal(lines[1]?.severity, 'WARNING');
      assert.match(
        lines[1]?.text ?? '',
        /^output may have been cut: after the job's own process ended, processes it left behind \(a daemon\?\) kept its output open/,
      );
      if (launcher.name === 'spawn server') {
        // Adopted by the server as subreaper, the daemon dies with the run.
        await waitFor(() => (pgrep('-f', `^sleep ${marker}$`).length === 0 ? true : undefined), 30_000, 'the daemon to be killed with the run');
      }
    });

    it('Ctrl+C ends it, and a second Ctrl+C ends a job that ignores SIGTERM at once', async (t) => {
      const dir = tempDir();
      const marker = `${Math.floor(Math.random() * 1e9) + 1000}`;
      t.after(() => pgrep('-f', `^sleep ${marker}`).forEach((pid) => process.kill(pid, 'SIGKILL')));
      const spec = writeSpec(
        dir,
        'daemons.yaml',
        `!JobGroup
  id: top
  jobs:
  - !Job { id: polite, command: sh, args: [-c, 'setsid sleep ${marker} & echo ready; sleep ${marker}.1'] }
  - !Job { id: stubborn, command: sh, args: [-c, "trap '' TERM; setsid sleep ${marker}.2 & echo ready; while :; do sleep 1; done"] }
`,
      );
      const tracking = join(dir, 'run');
      const dbPath = join(tracking, 'run.sqlite');
      let child: ChildProcess | undefined;
      const done = gator(['run', spec, '--tracking', tracking, '--grace', '600'], {
        env: launcher.env,
        timeoutMs: 90_000,
        onSpawn: (spawned) => (child = spawned),
      });
      await waitFor(
        () => (query<{ n: number }>(dbPath, "SELECT count(*) AS n FROM messages WHERE text = 'ready'")?.n === 2 ? true : undefined),
        60_000,
        'both jobs',
      );
      child!.kill('SIGINT');
      // The polite job ends (its daemon still holding its output); the stubborn one waits for the grace.
      await waitFor(
        () => (query<{ state: string }>(dbPath, "SELECT state FROM jobs WHERE ident = 'polite'")?.state === 'complete' ? true : undefined),
        60_000,
        'the polite job to end',
      );
      child!.kill('SIGINT');
      const result = await done;
      assert.equal(result.code, 130, result.stderr);
      const db = openDb(dbPath);
      const jobs = db.prepare("SELECT ident, result, failure FROM jobs WHERE kind = 'job' ORDER BY id").all();
      db.close();
      assert.deepEqual(jobs, [
        { ident: 'polite', result: 'failure', failure: 'interrupted' },
        { ident: 'stubborn', result: 'failure', failure: 'interrupted' },
      ]);
    });
  });
}
