import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { RerunError } from '../../../storage/readers/errors.js';
import { readJobs } from '../../../storage/readers/jobs.js';
import { runStatus } from '../../../storage/readers/liveness.js';
import { openRun } from '../../../storage/readers/open-run.js';
import { planRerun } from '../../../storage/readers/rerun-plan.js';
import { readRun } from '../../../storage/readers/run-info.js';
import type { PlannedJob } from '../../../spec/plan.js';
import { FAILING_SIMS, makeStandardRun, RunDbBuilder, tempDir } from '../../helpers/make-run-db.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));

const plan = (file: string, selection: { failed: boolean; globs: string[] }) => {
  const run = openRun(file);
  try {
    const info = readRun(run.db);
    return planRerun(readJobs(run.db), info, runStatus(info), selection, '/launch');
  } finally {
    run.close();
  }
};

describe('planRerun', () => {
  const finished = join(dir, 'finished.sqlite');
  makeStandardRun(finished, 'finished');

  it('repeats exactly the failed jobs, as they ran, under a root group "rerun"', () => {
    const { plan: p, nodeOrigins, selected } = plan(finished, { failed: true, globs: [] });
    assert.deepEqual(
      selected.map((job) => job.path),
      FAILING_SIMS.map((i) => `top.sims.sim_${i}`),
    );
    const [root, ...jobs] = p.nodes;
    assert.equal(root?.kind, 'group');
    assert.equal(root?.path, 'rerun');
    assert.deepEqual(root?.kind === 'group' ? root.children : [], [1, 2, 3]);
    assert.equal(p.jobCount, 3);
    for (const [i, node] of jobs.entries()) {
      const job = node as PlannedJob;
      const original = selected[i];
      const index = FAILING_SIMS[i] as number;
      assert.equal(job.ident, `sim_${index}`);
      assert.equal(job.path, `rerun.sim_${index}`);
      assert.equal(job.command, 'sim');
      assert.deepEqual(job.args, ['--seed', String(1000 + index)]);
      assert.equal(job.env['GATOR_ARRAY_INDEX'], String(index));
      assert.equal(job.cwd, '/work/sim');
      assert.equal(job.arrayIndex, index);
      assert.deepEqual(job.arrayIndices, [index]);
      assert.equal(job.parentId, 0);
      assert.equal(job.subtreeEnd, job.id);
      assert.equal(nodeOrigins.get(job.id), original?.id);
    }
  });

  it('selects by glob, and by glob among the failed', () => {
    assert.deepEqual(
      plan(finished, { failed: false, globs: ['top.lint'] }).selected.map((job) => job.ident),
      ['style', 'types'],
    );
    assert.deepEqual(
      plan(finished, { failed: true, globs: ['top.sims.sim_[56]', 'top.sims.sim_6'] }).selected.map((job) => job.ident),
      ['sim_6'],
    );
    assert.throws(() => plan(finished, { failed: false, globs: ['nothing.here'] }), RerunError);
  });

  it('reruns the jobs a killed runner cut off', () => {
    const cut = join(dir, 'cut.sqlite');
    makeStandardRun(cut, 'cut-off');
    assert.deepEqual(
      plan(cut, { failed: true, globs: [] }).selected.map((job) => job.ident),
      ['sim_2', 'sim_4', 'sim_7'],
    );
  });

  it('makes idents unique from paths when the originals clash', () => {
    const file = join(dir, 'clash.sqlite');
    const b = new RunDbBuilder(file, { id: 'clash', specPath: '/x.yaml', startedAt: 0 });
    const top = b.group(null, 'top');
    for (const group of ['a', 'b']) {
      const g = b.group(top, group);
      b.job(g, 'sim', { state: 'complete', result: 'failure', exitCode: 1 });
      b.job(g, `only_${group}`, { state: 'complete', result: 'failure', exitCode: 1 });
    }
    b.finish(1, 'failure', 1);
    b.close();
    assert.deepEqual(
      plan(file, { failed: true, globs: [] }).plan.nodes.map((node) => node.ident),
      ['rerun', 'top__a__sim', 'only_a', 'top__b__sim', 'only_b'],
    );
  });

  it('says when there is nothing to rerun', () => {
    const file = join(dir, 'green.sqlite');
    const b = new RunDbBuilder(file, { id: 'green', specPath: '/x.yaml', startedAt: 0 });
    b.job(null, 'ok', { state: 'complete', result: 'success', exitCode: 0 });
    b.finish(1, 'success', 0);
    b.close();
    assert.throws(
      () => plan(file, { failed: true, globs: [] }),
      (error: unknown) => error instanceof RerunError && /no job failed/.test(error.message),
    );
  });
});
