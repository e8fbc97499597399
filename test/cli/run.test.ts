import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gator, openDb, ROOT, tempDir, writeSpec } from '../helpers/cli.js';

const run = async (spec: string, extra: readonly string[] = [], cwd?: string, env?: Record<string, string>) => {
  const tracking = join(tempDir(), 'run');
  const result = await gator(['run', spec, '--tracking', tracking, ...extra], { ...(cwd === undefined ? {} : { cwd }), ...(env === undefined ? {} : { env }) });
  return { ...result, db: join(tracking, 'run.sqlite') };
};

interface JobRow {
  path: string;
  kind: string;
  state: string;
  result: string;
  exit_code: number | null;
  array_index: number | null;
}

describe('gator run', () => {
  it('runs the seed README spec and records every job and line under its dotted path', async () => {
    const result = await run(join(ROOT, 'examples/seed-readme.yaml'));
    assert.equal(result.code, 0, result.stderr);
    const db = openDb(result.db);
    const jobs = db.prepare('SELECT path, kind, state, result FROM jobs ORDER BY id').all() as JobRow[];
    assert.deepEqual(
      jobs.map((job) => job.path),
      ['top', 'top.inner', 'top.inner.say_hi', 'top.say_bye', 'top.counting', ...[0, 1, 2, 3].map((i) => `top.counting.echo_count_${i}`)],
    );
    assert.ok(jobs.every((job) => job.state === 'complete' && job.result === 'success'));
    const printed = db.prepare("SELECT text FROM messages WHERE job_path = 'top.counting.echo_count_2'").pluck().all();
    assert.deepEqual(printed, ['2']);
    assert.deepEqual(db.prepare("SELECT text FROM messages WHERE job_path = 'top.inner.say_hi'").pluck().all(), ['hi']);
    const runRow = db.prepare('SELECT result, exit_code, ended_at FROM run').get() as { result: string; exit_code: number; ended_at: number };
    assert.equal(runRow.result, 'success');
    assert.equal(runRow.exit_code, 0);
    db.close();
  });

  it('accepts `gator SPEC` as Gator users type it, with a default tracking directory and a latest link', async () => {
    const cwd = tempDir();
    const result = await gator([join(ROOT, 'examples/seed-readme.yaml')], { cwd });
    assert.equal(result.code, 0, result.stderr);
    const runs = readdirSync(join(cwd, 'tracking')).filter((name) => name !== 'latest');
    assert.equal(runs.length, 1);
    assert.ok(existsSync(join(cwd, 'tracking', 'latest', 'run.sqlite')));
  });

  it('aborts what depends on a failed build and runs the on_fail sibling, exiting 1', async () => {
    const result = await run(join(ROOT, 'examples/regression-build-fails.yaml'));
    assert.equal(result.code, 1, result.stderr);
    const db = openDb(result.db);
    const byIdent = (ident: string) => db.prepare('SELECT * FROM jobs WHERE ident = ?').get(ident) as JobRow;
    assert.equal(byIdent('build').result, 'failure');
    assert.equal(byIdent('simulations').result, 'aborted');
    assert.equal(byIdent('reports').result, 'aborted');
    assert.equal(byIdent('triage').result, 'success');
    const simulations = db.prepare("SELECT DISTINCT result FROM jobs WHERE path LIKE '%.simulations.%'").pluck().all();
    assert.deepEqual(simulations, ['aborted']);
    db.close();
  });

  it('overlays the spec env on the OS environment and expands ${VAR} in args', async () => {
    const dir = tempDir();
    const out = join(dir, 'env.txt');
    const spec = writeSpec(
      dir,
      'env.yaml',
      `!JobGroup
  id: top
  env: { GREETING: outer, PATH_SEEN: "\${PATH}" }
  jobs:
  - !Job
      id: show
      env: { GREETING: inner }
      command: sh
      args: [-c, 'env > ${out}; echo "arg=$1"', sh, "\${GREETING}-\${HOME}"]
`,
    );
    const result = await run(spec, ['--all-msg']);
    assert.equal(result.code, 0, result.stderr);
    const env = Object.fromEntries(
      readFileSync(out, 'utf8')
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    assert.equal(env.HOME, process.env.HOME ?? homedir());
    assert.equal(env.PATH, process.env.PATH);
    assert.equal(env.GREETING, 'inner');
    assert.equal(env.PATH_SEEN, process.env.PATH);
    const db = openDb(result.db);
    assert.deepEqual(db.prepare('SELECT text FROM messages').pluck().all(), [`arg=inner-${process.env.HOME}`]);
    db.close();
  });

  it('fails a job on a stderr line under the default limits and passes it with --limit-error 1', async () => {
    const dir = tempDir();
    const spec = writeSpec(
      dir,
      'stderr.yaml',
      `!JobGroup
  id: top
  jobs:
  - !Job { id: warn, command: sh, args: [-c, 'echo oops >&2'] }
`,
    );
    const strict = await run(spec);
    assert.equal(strict.code, 1);
    const db = openDb(strict.db);
    const job = db.prepare("SELECT result, failure, msg_error FROM jobs WHERE ident = 'warn'").get() as { result: string; failure: string; msg_error: number };
    assert.deepEqual(job, { result: 'failure', failure: 'error-count', msg_error: 1 });
    db.close();
    const lenient = await run(spec, ['--limit-error', '1']);
    assert.equal(lenient.code, 0, lenient.stdout + lenient.stderr);
  });

  for (const [launcher, env] of [
    ['the spawn server', {}],
    ["Node's child_process", { GATOR_SPAWN_SERVER: '0' }],
  ] as const) {
    it(`fails a job whose command or cwd is missing with an ERROR saying so, and still runs its siblings (${launcher})`, async () => {
      const dir = tempDir();
      const spec = writeSpec(
        dir,
        'missing.yaml',
        `!JobGroup
  id: top
  jobs:
  - !Job { id: nocmd, command: no-such-command-xyz }
  - !Job { id: nocwd, command: "true", cwd: ${join(dir, 'not-there')} }
  - !Job { id: fine, command: echo, args: [ok] }
`,
      );
      const result = await run(spec, [], undefined, env);
      assert.equal(result.code, 1);
      const db = openDb(result.db);
      const rows = db.prepare('SELECT ident, result, failure FROM jobs WHERE kind = ? ORDER BY id').all('job');
      assert.deepEqual(rows, [
        { ident: 'nocmd', result: 'failure', failure: 'spawn' },
        { ident: 'nocwd', result: 'failure', failure: 'spawn' },
        { ident: 'fine', result: 'success', failure: null },
      ]);
      const errors = db.prepare("SELECT job_path, text FROM messages WHERE severity = 'ERROR' ORDER BY job_id").all() as { job_path: string; text: string }[];
      assert.match(errors[0]!.text, /no-such-command-xyz.*command not found/);
      assert.match(errors[1]!.text, /working directory .*not-there does not exist/);
      assert.deepEqual(db.prepare("SELECT stream, text FROM messages WHERE job_path = 'top.fine'").all(), [{ stream: 'stdout', text: 'ok' }]);
      db.close();
    });
  }

  it('runs a 1,000-job array to 1,000 successes', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, 'array.yaml', `!JobArray\n  id: many\n  repeats: 1000\n  jobs:\n  - !Job { id: t, command: "true" }\n`);
    const result = await run(spec, ['--quiet']);
    assert.equal(result.code, 0, result.stderr);
    const db = openDb(result.db);
    assert.equal(db.prepare("SELECT count(*) FROM jobs WHERE kind = 'job' AND result = 'success'").pluck().get(), 1000);
    assert.deepEqual(db.prepare("SELECT min(array_index), max(array_index) FROM jobs WHERE kind = 'job'").raw().get(), [0, 999]);
    db.close();
  });

  it('samples the whole process tree of a job', async () => {
    const dir = tempDir();
    const spec = writeSpec(
      dir,
      'tree.yaml',
      `!JobGroup
  id: top
  jobs:
  - !Job { id: three, command: sh, args: [-c, 'sleep 3 & sleep 3 & wait'] }
`,
    );
    const result = await run(spec, ['--interval', '0.5']);
    assert.equal(result.code, 0, result.stderr);
    const db = openDb(result.db);
    const samples = db.prepare("SELECT nproc, rss_bytes FROM samples WHERE job_path = 'top.three'").all() as { nproc: number; rss_bytes: number }[];
    assert.ok(samples.filter((sample) => sample.nproc >= 3).length >= 2, JSON.stringify(samples));
    const peak = db.prepare("SELECT rss_peak FROM jobs WHERE path = 'top.three'").pluck().get() as number;
    assert.ok(peak > 0);
    db.close();
  });

  it('samples at the default 1 s interval', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, 'tree.yaml', `!Job\n  id: three\n  command: sh\n  args: [-c, 'sleep 3 & sleep 3 & wait']\n`);
    const result = await run(spec);
    assert.equal(result.code, 0, result.stderr);
    const db = openDb(result.db);
    const samples = db.prepare('SELECT nproc FROM samples').pluck().all() as number[];
    assert.ok(samples.filter((nproc) => nproc >= 3).length >= 2, JSON.stringify(samples));
    db.close();
  });
});
