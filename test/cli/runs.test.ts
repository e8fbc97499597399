// `gator runs` through the built CLI (`npm run build` first).
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gator, makeStandardRun, startLiveWriter, tempDir } from '../helpers/make-run-db.js';

const dir = tempDir('gator-cli-runs-');
after(() => rmSync(dir, { recursive: true, force: true }));

interface Listed {
  name: string;
  status: string;
  result: string;
  tally: { total: number; passed: number; failed: number; cutOff: number };
  rerunOf: string | null;
  rerunOfName: string | null;
  latest: boolean;
}

const listJson = (root: string): Listed[] => {
  const { status, stdout } = gator(['runs', root, '--json']);
  assert.equal(status, 0);
  return JSON.parse(stdout) as Listed[];
};

describe('gator runs', () => {
  it('shows each run as running, cut off or done, and what a rerun reruns', async () => {
    const root = join(dir, 'tracking');
    for (const name of ['done', 'rerun', 'live']) mkdirSync(join(root, name), { recursive: true });
    makeStandardRun(join(root, 'done', 'run.sqlite'), 'finished', { runId: 'first' });
    makeStandardRun(join(root, 'rerun', 'run.sqlite'), 'finished', { runId: 'second', rerunOf: 'first' });
    symlinkSync('rerun', join(root, 'latest'));
    const writer = await startLiveWriter(join(root, 'live', 'run.sqlite'));
    try {
      const byName = new Map(listJson(root).map((run) => [run.name, run]));
      assert.equal(byName.get('live')?.status, 'running');
      assert.equal(byName.get('live')?.tally.cutOff, 0);
      assert.equal(byName.get('done')?.status, 'done');
      assert.equal(byName.get('done')?.result, 'failure');
      assert.deepEqual({ ...byName.get('done')?.tally }, { total: 12, passed: 8, failed: 3, aborted: 1, cutOff: 0, unfinished: 0 });
      assert.equal(byName.get('rerun')?.rerunOf, 'first');
      assert.equal(byName.get('rerun')?.rerunOfName, 'done');
      assert.equal(byName.get('rerun')?.latest, true);
      const table = gator(['runs', root]).stdout.split('\n');
      assert.match(table[0] ?? '', /^RUN +STARTED +DURATION +JOBS +PASSED +FAILED +CUT OFF +RESULT +STATUS +RERUN OF$/);
      assert.match(table.find((line) => line.startsWith('rerun')) ?? '', /^rerun \(latest\) .* failure +done +done$/);
      assert.match(table.find((line) => line.startsWith('live')) ?? '', / running$/);
    } finally {
      await writer.kill();
    }
    const killed = listJson(root).find((run) => run.name === 'live');
    assert.equal(killed?.status, 'cut-off');
    assert.equal(killed?.tally.cutOff, 2, 'the jobs that were running are cut off');
    assert.equal(killed?.tally.passed, 6, 'and never counted as passed');
    assert.match(gator(['runs', root]).stdout, /^live .* unknown +cut-off\s*$/m);
  });

  it('defaults to ./tracking and says when there are no runs', () => {
    const cwd = join(dir, 'empty-project');
    mkdirSync(join(cwd, 'tracking'), { recursive: true });
    const none = gator(['runs'], { cwd });
    assert.equal(none.status, 0);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /^gator: no runs under tracking\n$/);
    const missing = gator(['runs', join(dir, 'nope')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^gator: no run found at .*nope: no such directory\n$/);
  });
});
