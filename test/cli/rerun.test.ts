// `gator rerun` end to end with the real runner (`npm run build` first).
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gator, makeStandardRun, startLiveWriter, tempDir } from '../helpers/make-run-db.js';

const dir = tempDir('gator-cli-rerun-');
after(() => rmSync(dir, { recursive: true, force: true }));

const query = (cwd: string, run: string, sql: string): string[][] => {
  const { status, stdout, stderr } = gator(['query', run, sql, '--no-header'], { cwd });
  assert.equal(status, 0, stderr);
  return stdout === ''
    ? []
    : stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.split('\t'));
};

describe('gator rerun', () => {
  it('runs the 3 failed array instances again, only those, with the same GATOR_ARRAY_INDEX', () => {
    const cwd = join(dir, 'project');
    mkdirSync(cwd);
    // The job reads GATOR_ARRAY_INDEX at run time, so the output shows the environment it really got.
    writeFileSync(
      join(cwd, 'sim.sh'),
      'echo "index=$GATOR_ARRAY_INDEX"\ncase "$GATOR_ARRAY_INDEX" in 1|3|4) echo "boom $GATOR_ARRAY_INDEX" >&2; exit 1;; esac\n',
    );
    writeFileSync(
      join(cwd, 'spec.yaml'),
      [
        '!JobGroup',
        '  id: top',
        '  jobs:',
        '  - !JobArray',
        '      id: sims',
        '      repeats: 6',
        '      jobs:',
        '      - !Job',
        '          id: sim',
        '          command: sh',
        `          args: [${join(cwd, 'sim.sh')}]`,
        '',
      ].join('\n'),
    );
    const first = gator(['run', 'spec.yaml', '--quiet', '--tracking', 'tracking/first'], { cwd });
    assert.equal(first.status, 1, first.stderr);

    const rerun = gator(['rerun', 'tracking/first', '--failed', '--quiet', '--tracking', 'tracking/second'], { cwd });
    assert.equal(rerun.status, 1, rerun.stderr);
    assert.match(rerun.stdout, /^Rerunning 3 jobs of run /);

    const jobs = query(
      cwd,
      'tracking/second',
      "SELECT ident, array_index, json_extract(env, '$.GATOR_ARRAY_INDEX'), rerun_of FROM jobs WHERE kind = 'job' ORDER BY id",
    );
    const originals = new Map(query(cwd, 'tracking/first', "SELECT ident, id FROM jobs WHERE kind = 'job'").map(([ident, id]) => [ident, id]));
    assert.deepEqual(
      jobs,
      [1, 3, 4].map((i) => [`sim_${i}`, String(i), String(i), originals.get(`sim_${i}`) as string]),
    );
    const printed = query(cwd, 'tracking/second', "SELECT text FROM messages WHERE text LIKE 'index=%' ORDER BY text").map(([text]) => text);
    assert.deepEqual(printed, ['index=1', 'index=3', 'index=4']);
    const [[firstId]] = query(cwd, 'tracking/first', 'SELECT id FROM run') as [[string]];
    assert.deepEqual(query(cwd, 'tracking/second', 'SELECT rerun_of FROM run'), [[firstId]]);

    const listed = gator(['runs'], { cwd }).stdout.split('\n');
    assert.match(listed.find((line) => line.startsWith('second')) ?? '', / first$/, 'runs shows which run it reruns');
    assert.deepEqual(readdirSync(join(cwd, 'tracking')).sort(), ['first', 'second']);
  });

  it('reruns the failures of a live run, and of the same run once its runner is killed (cut-off jobs too)', async () => {
    const cwd = join(dir, 'live-project');
    mkdirSync(cwd);
    const file = join(cwd, 'live.sqlite');
    const writer = await startLiveWriter(file);
    try {
      // The standard run's commands (`sim …`) do not exist here: the rerun jobs fail to start,
      // which is all this needs; what matters is which jobs were chosen.
      const rerun = gator(['rerun', file, '--failed', '--quiet', '--tracking', 'live-rerun'], { cwd });
      assert.equal(rerun.status, 1, rerun.stderr);
      assert.deepEqual(query(cwd, 'live-rerun', "SELECT path FROM jobs WHERE kind = 'job'"), [['rerun.sim_2']]);
    } finally {
      await writer.kill();
    }
    const again = gator(['rerun', file, '--failed', '--quiet', '--tracking', 'cut-rerun'], { cwd });
    assert.equal(again.status, 1, again.stderr);
    assert.deepEqual(query(cwd, 'cut-rerun', "SELECT path FROM jobs WHERE kind = 'job' ORDER BY id"), [['rerun.sim_2'], ['rerun.sim_4'], ['rerun.sim_7']]);
    assert.deepEqual(query(cwd, 'cut-rerun', 'SELECT rerun_of FROM run'), [['run-live']]);
  });

  it('says which jobs to rerun, and when there are none', () => {
    const file = join(dir, 'run.sqlite');
    makeStandardRun(file, 'finished');
    const none = gator(['rerun', file]);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /^gator: rerun: say which jobs: --failed, --job GLOB, or both\n$/);
    const nothing = gator(['rerun', file, '--job', 'top.nope']);
    assert.equal(nothing.status, 2);
    assert.match(nothing.stderr, /^gator: --job top\.nope: no job in the run matches\n$/);
  });
});
