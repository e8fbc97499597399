// The resource actor on a fake context: grants within the pools, releases, cancelled groups,
// --max-failures, and what it tells the run about waiting jobs.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { GroupMessage, ResourceMessage, RunMessage } from '../../../actors/protocol.js';
import { ResourceActor } from '../../../actors/resources/resource-actor.js';
import { FakeContext } from '../../helpers/fake-context.js';

const req = (cores: number, licenses: Record<string, number> = {}) => ({ cores, memoryBytes: 0, licenses });

const start = (maxFailures: number | null = null) => {
  const context = new FakeContext<ResourceMessage>();
  const run = context.address<RunMessage>(0);
  const actor = new ResourceActor(context, { pools: { slots: 2, cores: 2, memoryBytes: 1e9, licenses: { VCS: 1 } }, maxFailures, run });
  return { context, actor, run };
};

it('grants within the pools in request order, one more per release, and skips groups that cancelled', () => {
  const { context, actor } = start();
  const [a, b] = [context.address<GroupMessage>(), context.address<GroupMessage>()];
  actor.receive({ type: 'acquire', from: a, id: 1, request: req(1, { VCS: 1 }) });
  actor.receive({ type: 'acquire', from: a, id: 2, request: req(1, { VCS: 1 }) });
  actor.receive({ type: 'acquire', from: b, id: 3, request: req(1) });
  assert.deepEqual(context.to(a), [{ type: 'granted', id: 1, waitedFor: null }]);
  assert.deepEqual(context.to(b), [{ type: 'granted', id: 3, waitedFor: null }], 'past the one waiting for the licence');
  actor.receive({ type: 'cancel', from: a });
  actor.receive({ type: 'release', id: 1, failed: false });
  assert.deepEqual(context.to(a).length, 1, "a's queued request 2 is dropped");
  actor.stopped();
});

it('admits nothing more once --max-failures jobs failed, and tells the run once', () => {
  const { context, actor, run } = start(2);
  const g = context.address<GroupMessage>();
  for (const id of [1, 2, 3, 4]) actor.receive({ type: 'acquire', from: g, id, request: req(1) });
  actor.receive({ type: 'release', id: 1, failed: true });
  assert.deepEqual(
    context.to(g).map((m) => (m as { id: number }).id),
    [1, 2, 3],
    'one failure: still admitting',
  );
  actor.receive({ type: 'release', id: 2, failed: true });
  assert.deepEqual(context.to(g).length, 3, 'the second failure: nothing more');
  assert.deepEqual(context.to(run), [{ type: 'max-failures', failures: 2 }]);
  actor.receive({ type: 'release', id: 3, failed: true });
  assert.deepEqual(context.to(run).length, 1);
  actor.stopped();
});

it('tells the run what waiting jobs wait for, only when it changes', () => {
  const { context, actor, run } = start();
  const g = context.address<GroupMessage>();
  for (const id of [1, 2, 3]) actor.receive({ type: 'acquire', from: g, id, request: req(1, { VCS: 1 }) });
  actor.receive({ type: 'tick' });
  assert.deepEqual(context.to(run), [{ type: 'waiting', waiting: { total: 2, byPool: [['license:VCS', 2]] } }]);
  actor.receive({ type: 'tick' });
  assert.equal(context.to(run).length, 1, 'no change, no message');
  actor.stopped();
});
