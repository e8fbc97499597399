// Option values: seconds within a day, sample intervals that cannot busy the CPU.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { parseSampleInterval, parseSeconds } from '../../cli/option-parsers.js';

describe('option parsers', () => {
  it('parseSeconds takes 0 to a day, and refuses the rest in words', () => {
    assert.equal(parseSeconds('0'), 0);
    assert.equal(parseSeconds('2.5'), 2.5);
    assert.equal(parseSeconds('86400'), 86_400);
    for (const bad of ['-1', '1e9', 'Infinity', 'soon', '']) assert.throws(() => parseSeconds(bad), InvalidArgumentError, bad);
  });

  it('parseSampleInterval refuses intervals under 0.1 s', () => {
    assert.equal(parseSampleInterval('0.5'), 0.5);
    for (const bad of ['0', '0.01', '1e9']) assert.throws(() => parseSampleInterval(bad), /expected seconds from 0\.1 to 86400/, bad);
  });
});
