import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileJobGlob, selectNodes } from '../../../storage/readers/job-glob.js';

const matches = (pattern: string, path: string): boolean => compileJobGlob(pattern)(path);

describe('compileJobGlob', () => {
  it('matches whole dotted paths literally', () => {
    assert.ok(matches('top.sims.sim_3', 'top.sims.sim_3'));
    assert.ok(!matches('top.sims.sim_3', 'top.sims.sim_31'));
    assert.ok(!matches('top.sims', 'top.sims.sim_3'));
    assert.ok(!matches('top.sims.sim_3', 'topXsims.sim_3'), 'a dot is a dot');
  });

  it('keeps * and ? within one segment', () => {
    assert.ok(matches('top.sims.*', 'top.sims.sim_3'));
    assert.ok(!matches('top.*', 'top.sims.sim_3'));
    assert.ok(matches('top.*.sim_3', 'top.sims.sim_3'));
    assert.ok(matches('top.sims.sim_?', 'top.sims.sim_7'));
    assert.ok(!matches('top.sims.sim_?', 'top.sims.sim_17'));
    assert.ok(matches('*.sims.sim_1*', 'top.sims.sim_12'));
  });

  it('lets ** span any number of segments, zero included', () => {
    assert.ok(matches('**', 'top.a.b.c'));
    assert.ok(matches('**.sim_3', 'top.sims.sim_3'));
    assert.ok(matches('**.sim_3', 'sim_3'));
    assert.ok(matches('top.**.sim_3', 'top.sim_3'));
    assert.ok(matches('top.**.sim_3', 'top.a.b.sim_3'));
    assert.ok(!matches('top.**.sim_3', 'other.a.sim_3'));
    assert.ok(matches('top.**', 'top'));
    assert.ok(matches('top.**', 'top.a.b'));
    assert.ok(!matches('top.**', 'topper.a'));
  });

  it('treats regex characters as themselves', () => {
    assert.ok(matches('a+b.(c)', 'a+b.(c)'));
    assert.ok(!matches('a+b', 'aab'));
  });
});

describe('selectNodes', () => {
  const nodes = [
    { id: 0, parentId: null, path: 'top' },
    { id: 1, parentId: 0, path: 'top.sims' },
    { id: 2, parentId: 1, path: 'top.sims.sim_0' },
    { id: 3, parentId: 1, path: 'top.sims.sim_1' },
    { id: 4, parentId: 0, path: 'top.lint' },
  ];

  it('selects a matching group with its subtree', () => {
    assert.deepEqual([...selectNodes(nodes, ['top.sims'])], [1, 2, 3]);
  });

  it('unions several patterns', () => {
    assert.deepEqual([...selectNodes(nodes, ['top.sims.sim_1', 'top.lint'])], [3, 4]);
    assert.deepEqual([...selectNodes(nodes, ['nothing'])], []);
  });
});
