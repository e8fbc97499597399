import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canDrawLive, decideColor } from '../../console/color.js';

test('the flag wins over everything', () => {
  assert.equal(decideColor({ flag: true, env: { NO_COLOR: '1' }, isTTY: false }), true);
  assert.equal(decideColor({ flag: false, env: { FORCE_COLOR: '1' }, isTTY: true }), false);
});

test('NO_COLOR (non-empty, any value) beats FORCE_COLOR and the terminal', () => {
  assert.equal(decideColor({ flag: undefined, env: { NO_COLOR: '1' }, isTTY: true }), false);
  assert.equal(decideColor({ flag: undefined, env: { NO_COLOR: 'false' }, isTTY: true }), false);
  assert.equal(decideColor({ flag: undefined, env: { NO_COLOR: '1', FORCE_COLOR: '1' }, isTTY: true }), false);
  // no-color.org: an empty value does not count.
  assert.equal(decideColor({ flag: undefined, env: { NO_COLOR: '' }, isTTY: true }), true);
});

test('FORCE_COLOR beats the terminal; 0 and false turn colour off', () => {
  assert.equal(decideColor({ flag: undefined, env: { FORCE_COLOR: '1' }, isTTY: false }), true);
  assert.equal(decideColor({ flag: undefined, env: { FORCE_COLOR: '' }, isTTY: false }), true);
  assert.equal(decideColor({ flag: undefined, env: { FORCE_COLOR: '0' }, isTTY: true }), false);
  assert.equal(decideColor({ flag: undefined, env: { FORCE_COLOR: 'false' }, isTTY: true }), false);
});

test('otherwise a terminal that is not dumb', () => {
  assert.equal(decideColor({ flag: undefined, env: {}, isTTY: true }), true);
  assert.equal(decideColor({ flag: undefined, env: {}, isTTY: false }), false);
  assert.equal(decideColor({ flag: undefined, env: { TERM: 'dumb' }, isTTY: true }), false);
  assert.equal(canDrawLive(true, { TERM: 'dumb' }), false);
  assert.equal(canDrawLive(true, { TERM: 'xterm-256color' }), true);
  assert.equal(canDrawLive(false, {}), false);
});
