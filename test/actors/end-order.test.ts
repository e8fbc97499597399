// Ends of nodes back in order: a group's end waits for every leaf job below it.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { EndOrder } from '../../actors/end-order.js';
import type { NodeEnded } from '../../actors/events.js';

const node = (id: number, kind: NodeEnded['kind'], jobs: number, subtreeEnd: number, leaves: number, result: NodeEnded['result'] = 'success'): NodeEnded => ({
  id,
  path: `n${id}`,
  kind,
  ts: 0,
  result,
  duration: 0,
  exitCode: null,
  signal: null,
  failure: null,
  firstError: null,
  jobs,
  subtreeEnd,
  leaves,
});

it('holds nested group ends until their jobs settle, counting a pruned subtree at once', () => {
  // 0 top [1..6]: 1 inner [2..3] (jobs 2, 3), 4 pruned array [5..6]
  const order = new EndOrder(7);
  const paths = (nodes: readonly NodeEnded[]): string[] => nodes.map((n) => n.path);
  assert.deepEqual(paths(order.push(node(0, 'group', 0, 6, 4))), []);
  assert.deepEqual(paths(order.push(node(1, 'group', 0, 3, 2))), []);
  assert.deepEqual(paths(order.push(node(2, 'job', 1, 2, 1))), ['n2']);
  assert.deepEqual(paths(order.push(node(4, 'array', 2, 6, 2, 'aborted'))), ['n4']);
  assert.deepEqual(paths(order.push(node(3, 'job', 1, 3, 1))), ['n3', 'n1', 'n0']);
  assert.deepEqual(paths(order.drain()), []);
});

it('gives up what it holds when the run ends (a crashed subtree never settles), innermost first', () => {
  const order = new EndOrder(5);
  order.push(node(0, 'group', 0, 4, 3));
  order.push(node(1, 'group', 0, 2, 2));
  assert.deepEqual(
    order.drain().map((n) => n.id),
    [1, 0],
  );
});
