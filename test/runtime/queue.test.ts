// The mailbox queue: FIFO across its compaction.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Queue } from '../../runtime/index.js';

it('keeps first-in first-out order across many pushes and shifts, compacting as it goes', () => {
  const queue = new Queue<number>();
  let next = 0;
  let expected = 0;
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 100; i++) queue.push(next++);
    for (let i = 0; i < 70; i++) assert.equal(queue.shift(), expected++);
  }
  assert.equal(queue.length, next - expected);
  while (queue.length > 0) assert.equal(queue.shift(), expected++);
  assert.equal(queue.shift(), undefined);
});
