// The tree shape and state letters the hub polls, and the per-group counts kept from changes.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { childrenOf, readStateLetters, readTreeShape, rootsOf, TreeCounts } from '../../../storage/readers/node-states.js';
import { RunDbBuilder, tempDir } from '../../helpers/make-run-db.js';

const dir = tempDir('gator-node-states-');
after(() => rmSync(dir, { recursive: true, force: true }));

/** top (group) → build (job), sims (array) → sim_0, sim_1, sim_2 (jobs). */
const makeTree = (name: string): RunDbBuilder => {
  const builder = new RunDbBuilder(join(dir, `${name}.sqlite`), { id: name, specPath: '/s.yaml', startedAt: 1 });
  const top = builder.group(null, 'top');
  builder.job(top, 'build', { state: 'complete', result: 'success' });
  const sims = builder.array(top, 'sims');
  builder.job(sims, 'sim_0', { state: 'running' });
  builder.job(sims, 'sim_1');
  builder.job(sims, 'sim_2', { state: 'complete', result: 'failure' });
  return builder;
};

describe('node states', () => {
  it('reads the shape (parents, kinds, children) and two letters per node in one row each', () => {
    const builder = makeTree('shape');
    const shape = readTreeShape(builder.db);
    assert.deepEqual([...shape.ids], [0, 1, 2, 3, 4, 5]);
    assert.deepEqual([...shape.parent], [-1, 0, 0, 2, 2, 2]);
    assert.deepEqual(shape.kind, ['group', 'job', 'array', 'job', 'job', 'job']);
    assert.deepEqual(rootsOf(shape), [0]);
    assert.deepEqual([...childrenOf(shape, 0)], [1, 2]);
    assert.deepEqual([...childrenOf(shape, 2)], [3, 4, 5]);
    assert.deepEqual([...childrenOf(shape, 3)], []);
    assert.equal(readStateLetters(builder.db), 'pucspurupucf');
    builder.db.close();
  });

  it("keeps every group's leaf counts from the changes alone, and recounts running jobs as cut off once", () => {
    const builder = makeTree('counts');
    const shape = readTreeShape(builder.db);
    const counts = new TreeCounts(shape, readStateLetters(builder.db), 'running');
    assert.deepEqual(counts.total(), { total: 4, pending: 1, running: 1, passed: 1, failed: 1, aborted: 0, cutOff: 0, unknown: 0 });
    assert.equal(counts.countsAt(2).total, 3);
    // sim_0 passes: only its ancestors change.
    assert.deepEqual(counts.update('pucspucspucf', 'running'), [3]);
    assert.deepEqual(counts.countsAt(2), { total: 3, pending: 1, running: 0, passed: 1, failed: 1, aborted: 0, cutOff: 0, unknown: 0 });
    // sim_1 starts, and in the same reading the runner is found dead: it is cut off, counted once.
    assert.deepEqual(counts.update('pucspucsrucf', 'cut-off'), [4]);
    assert.deepEqual(counts.total(), { total: 4, pending: 0, running: 0, passed: 2, failed: 1, aborted: 0, cutOff: 1, unknown: 0 });
    // A status change alone (no new letters) still reports the jobs it shows differently.
    const again = new TreeCounts(shape, 'pucspurupucf', 'running');
    assert.deepEqual(again.update('pucspurupucf', 'cut-off'), [3]);
    assert.equal(again.total().cutOff, 1);
    assert.equal(again.total().running, 0);
    builder.db.close();
  });
});
