// Addresses: the host is in the low byte, and two hosts spawning onto a third never collide.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { makeAddress } from '../../runtime/address.js';
import { hostOf, MAX_HOSTS } from '../../runtime/index.js';

it('names the target host in the low byte and stays unique across spawning hosts', () => {
  const seen = new Set<number>();
  for (let spawner = 0; spawner < 4; spawner++) {
    for (let serial = 1; serial <= 100; serial++) {
      const address = makeAddress(serial, spawner, 3);
      assert.equal(hostOf(address), 3);
      assert.ok(Number.isSafeInteger(address));
      seen.add(address);
    }
  }
  assert.equal(seen.size, 400);
  assert.equal(hostOf(makeAddress(1, 0, MAX_HOSTS - 1)), MAX_HOSTS - 1);
});
