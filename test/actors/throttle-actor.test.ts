// The throttle on a fake context: slots in request order, releases, cancelled groups skipped.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { GroupMessage, ThrottleMessage } from '../../actors/protocol.js';
import { Throttle } from '../../actors/throttle-actor.js';
import { FakeContext } from '../helpers/fake-context.js';

it('grants slots in request order, one more per release, and skips groups that cancelled', () => {
  const context = new FakeContext<ThrottleMessage>();
  const throttle = new Throttle(context, { slots: 2 });
  const [a, b] = [context.address<GroupMessage>(), context.address<GroupMessage>()];
  for (const id of [1, 2, 3]) throttle.receive({ type: 'acquire', from: a, id });
  throttle.receive({ type: 'acquire', from: b, id: 4 });
  assert.deepEqual(context.to(a), [
    { type: 'granted', id: 1 },
    { type: 'granted', id: 2 },
  ]);
  throttle.receive({ type: 'cancel', from: a });
  throttle.receive({ type: 'release' });
  assert.deepEqual(context.to(a).length, 2, "a's queued request 3 is dropped");
  assert.deepEqual(context.to(b), [{ type: 'granted', id: 4 }]);
});
