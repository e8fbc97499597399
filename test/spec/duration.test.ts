// Durations in specs and on the command line: one parser for every time limit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from '../../spec/duration.js';

const seconds = (text: string): number => {
  const r = parseDuration(text);
  assert.ok(r.ok, `expected ${text} to parse: ${r.ok ? '' : r.problem}`);
  return r.seconds;
};
const problem = (text: string): string => {
  const r = parseDuration(text);
  assert.ok(!r.ok, `expected ${text} to be rejected`);
  return r.problem;
};

describe('parseDuration', () => {
  it('reads bare seconds and each unit', () => {
    assert.equal(seconds('90'), 90);
    assert.equal(seconds('1.5'), 1.5);
    assert.equal(seconds('90s'), 90);
    assert.equal(seconds('30m'), 1800);
    assert.equal(seconds('2h'), 7200);
    assert.equal(seconds('1d'), 86400);
    assert.equal(seconds('500ms'), 0.5);
    assert.equal(seconds('.5s'), 0.5);
    assert.equal(seconds('0'), 0);
  });

  it('adds pieces written largest first, with or without spaces', () => {
    assert.equal(seconds('1h30m'), 5400);
    assert.equal(seconds('1h 30m 5s'), 5405);
    assert.equal(seconds('1.5h'), 5400);
    assert.equal(seconds('2m500ms'), 120.5);
    assert.equal(seconds('  45s '), 45);
  });

  it('rejects what is not a duration, saying how to write one', () => {
    assert.match(problem(''), /empty duration/);
    assert.match(problem('soon'), /cannot read "soon" as a duration: write a duration such as 90s/);
    assert.match(problem('10x'), /cannot read "10x"/);
    assert.match(problem('-5s'), /cannot read/);
    assert.match(problem('30m1h'), /largest first/);
    assert.match(problem('1m1m'), /largest first/);
    assert.match(problem('h'), /cannot read/);
  });
});
