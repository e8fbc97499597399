// The edges of starting a run: where its database goes, who may read it, and what a run
// killed or raced while it starts leaves behind.
import assert from 'node:assert/strict';
import { type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RunExistsError } from '../../storage/errors.js';
import { RunWriter } from '../../storage/writer.js';
import { gator, openDb, tempDir, waitFor, writeSpec } from '../helpers/cli.js';

const ECHO = '!Job\n  id: hello\n  command: echo\n  args: [hi]\n';
const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);

const info = { id: 'x', specPath: '/s.yaml', startedAt: 1, host: 'h', argv: [], cwd: '/', pid: process.pid, options: {}, rerunOf: null };
const node = {
  id: 0,
  parentId: null,
  subtreeEnd: 0,
  kind: 'job' as const,
  ident: 'a',
  path: 'a',
  arrayIndex: null,
  arrayIndices: [],
  command: 'true',
  argv: ['true'],
  env: {},
  cwd: '/',
  rerunOf: null,
};

describe('where a run goes', () => {
  it('says in one line, with exit 2, that ./tracking is a file in the way', async () => {
    const cwd = tempDir();
    const spec = writeSpec(cwd, 'hello.yaml', ECHO);
    writeFileSync(join(cwd, 'tracking'), 'not a directory');
    const result = await gator(['run', spec], { cwd });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^gator: cannot create the tracking directory \.\/tracking: .*ENOTDIR.*--tracking DIR\n$/);
  });

  it('says in one line, with exit 2, that ./tracking cannot be created where gator runs', async () => {
    // Nobody, not even root, creates a directory in /proc.
    const spec = writeSpec(tempDir(), 'hello.yaml', ECHO);
    const result = await gator(['run', spec], { cwd: '/proc' });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^gator: cannot create the tracking directory \.\/tracking: [^\n]+\n$/);
  });

  it('warns that tracking/latest is a directory, leaves it and no stray link, and still runs', async () => {
    const cwd = tempDir();
    const spec = writeSpec(cwd, 'hello.yaml', ECHO);
    mkdirSync(join(cwd, 'tracking', 'latest'), { recursive: true });
    const result = await gator(['run', spec], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /gator: warning: tracking\/latest is a directory, not a link, so it was left alone and does not point at this run/);
    assert.deepEqual(readdirSync(join(cwd, 'tracking', 'latest')), []);
    assert.deepEqual(
      readdirSync(join(cwd, 'tracking')).filter((name) => name.startsWith('.')),
      [],
      'no temporary link left',
    );
    // Readers do not take it for the newest run either.
    const query = await gator(['query', 'SELECT count(*) FROM jobs'], { cwd });
    assert.equal(query.code, 2);
    assert.match(
      query.stderr,
      /^gator: no run found at tracking\/latest: it is not the link gator makes, so it may not be the newest run; name the run to read\n$/,
    );
  });
});

describe('two runs and one --tracking directory', () => {
  it('gives the database to exactly one of two writers that both passed the first check', () => {
    const dbPath = join(tempDir(), 'run.sqlite');
    RunWriter.create(dbPath, info, [node]).close();
    assert.throws(
      () => RunWriter.create(dbPath, info, [node]),
      (error: unknown) => error instanceof RunExistsError,
    );
    assert.deepEqual(readdirSync(join(dbPath, '..')), ['run.sqlite']);
  });

  it('started at once: one runs, every other exits 2 saying the directory already holds a run', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, 'hello.yaml', ECHO);
    for (let round = 0; round < 3; round++) {
      const tracking = join(dir, `run${round}`);
      const results = await Promise.all([0, 1, 2, 3].map(() => gator(['run', spec, '--tracking', tracking])));
      const codes = results.map((result) => result.code).sort();
      assert.deepEqual(codes, [0, 2, 2, 2], results.map((result) => result.stderr).join('\n'));
      for (const result of results.filter((r) => r.code === 2))
        assert.match(result.stderr, /already holds a run \(run\.sqlite\); choose another --tracking directory\n$/);
    }
  });
});

describe('a run killed while it makes its database', () => {
  for (const signal of ['SIGKILL', 'SIGINT'] as const) {
    it(`(${signal}) leaves no half-made run.sqlite: the directory takes the next run`, async () => {
      const dir = tempDir();
      // Big enough that making the database takes a while.
      const spec = writeSpec(dir, 'big.yaml', '!JobArray\n  id: big\n  repeats: 200000\n  jobs:\n  - !Job { id: j, command: "true" }\n');
      const tracking = join(dir, 'run');
      let runner: ChildProcess | undefined;
      const first = gator(['run', spec, '--tracking', tracking, '-j', '1'], { onSpawn: (child) => (runner = child) });
      await waitFor(() => (existsSync(tracking) && readdirSync(tracking).length > 0 ? true : undefined), 60_000, 'the database to be started');
      runner!.kill(signal);
      await first;
      const left = readdirSync(tracking);
      if (left.includes('run.sqlite')) {
        // Killed after it was complete: then it is a whole, readable run.
        const db = openDb(join(tracking, 'run.sqlite'));
        assert.equal(db.prepare('SELECT count(*) FROM jobs').pluck().get(), 200_001);
        db.close();
        return;
      }
      const second = await gator(['run', writeSpec(dir, 'hello.yaml', ECHO), '--tracking', tracking]);
      assert.equal(second.code, 0, second.stderr);
      assert.deepEqual(
        readdirSync(tracking).filter((name) => !name.startsWith('run.sqlite')),
        [],
        "the killed run's unfinished build is cleared away",
      );
    });
  }
});

describe('who may read a run', () => {
  it('makes tracking directories 0700 and the database 0600, whatever the umask', async () => {
    const cwd = tempDir();
    const spec = writeSpec(cwd, 'hello.yaml', ECHO);
    const result = await gator(['run', spec], { cwd, umask: 0 });
    assert.equal(result.code, 0, result.stderr);
    const run = readdirSync(join(cwd, 'tracking')).find((name) => name !== 'latest')!;
    assert.equal(mode(join(cwd, 'tracking')), '700');
    assert.equal(mode(join(cwd, 'tracking', run)), '700');
    for (const file of readdirSync(join(cwd, 'tracking', run))) assert.equal(mode(join(cwd, 'tracking', run, file)), '600', file);
  });
});

describe('who may read a shared run', () => {
  it('with --shared makes directories 0750 and the database 0640, whatever the umask', async () => {
    const cwd = tempDir();
    const spec = writeSpec(cwd, 'hello.yaml', ECHO);
    const result = await gator(['run', spec, '--shared'], { cwd, umask: 0o077 });
    assert.equal(result.code, 0, result.stderr);
    const run = readdirSync(join(cwd, 'tracking')).find((name) => name !== 'latest')!;
    assert.equal(mode(join(cwd, 'tracking')), '750');
    assert.equal(mode(join(cwd, 'tracking', run)), '750');
    for (const file of readdirSync(join(cwd, 'tracking', run))) assert.equal(mode(join(cwd, 'tracking', run, file)), '640', file);
  });
});

describe('said before a run', () => {
  it('warns once per spec location, not once per job, about a variable that is not set', async () => {
    const cwd = tempDir();
    const spec = writeSpec(
      cwd,
      'loop.yaml',
      '!JobArray\n  id: loop\n  repeats: 5\n  jobs:\n  - !Job\n    id: j\n    command: sh\n    args: [-c, "for i in 1 2; do echo $i; done"]\n',
    );
    const result = await gator(['run', spec, '--tracking', join(cwd, 'run')], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, `gator: warning: ${spec}:8:16: $i is not set and expands to empty; write $$i for a literal $\n`);
  });
});
