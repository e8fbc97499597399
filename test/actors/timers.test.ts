// Timers for waits a person sets: short ones fire on time, ones past setTimeout's 24.8-day
// ceiling wait instead of firing at once.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { afterSeconds } from '../../actors/timers.js';

describe('afterSeconds', () => {
  it('fires once after a short wait, and not at all once cancelled', async () => {
    let fired = 0;
    afterSeconds(0.02, () => fired++);
    const cancelled = afterSeconds(0.02, () => fired++);
    cancelled.cancel();
    await sleep(200);
    assert.equal(fired, 1);
  });

  it('waits past 2^31 ms instead of firing at once (setTimeout would fire after 1 ms)', async () => {
    let fired = false;
    const timer = afterSeconds(30 * 86_400, () => (fired = true));
    await sleep(100);
    timer.cancel();
    assert.equal(fired, false);
  });
});
