// Seeds: derived from the run seed and the job path alone, 32-bit, never 0.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_SEED, deriveSeed, randomRunSeed, seedProblem } from '../../spec/seed.js';

describe('deriveSeed', () => {
  it('depends only on the run seed and the path', () => {
    assert.equal(deriveSeed(42, 'top.sims.sim_3'), deriveSeed(42, 'top.sims.sim_3'));
    assert.notEqual(deriveSeed(42, 'top.sims.sim_3'), deriveSeed(43, 'top.sims.sim_3'));
    assert.notEqual(deriveSeed(42, 'top.sims.sim_3'), deriveSeed(42, 'top.sims.sim_4'));
  });

  it('is the documented FNV-1a + fmix32 of "<run seed>/<path>" (pinned values)', () => {
    // Part of the interface: a seed printed today must mean the same tomorrow. Computed
    // independently (Python) from the algorithm in the docs.
    assert.equal(deriveSeed(0, ''), 4264167868);
    assert.equal(deriveSeed(42, 'a'), 2855775515);
    assert.equal(deriveSeed(1, 'top.é'), 3640563852);
  });

  it('gives distinct 32-bit seeds to the instances of a large array, never 0', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const s = deriveSeed(7, `top.regress.sim_${i}`);
      assert.ok(Number.isInteger(s) && s >= 1 && s <= MAX_SEED, `seed ${s}`);
      seen.add(s);
    }
    assert.equal(seen.size, 2000);
  });

  it('hashes non-ASCII paths by their UTF-8 bytes', () => {
    assert.notEqual(deriveSeed(1, 'top.é'), deriveSeed(1, 'top.e'));
    assert.equal(deriveSeed(1, 'top.é'), deriveSeed(1, 'top.é'));
  });
});

describe('run seeds', () => {
  it('draws random run seeds in range', () => {
    for (let i = 0; i < 100; i++) {
      const s = randomRunSeed();
      assert.ok(s >= 1 && s <= MAX_SEED);
    }
  });

  it('says what a seed may be', () => {
    assert.equal(seedProblem(0, 'run'), undefined);
    assert.equal(seedProblem(MAX_SEED, 'job'), undefined);
    assert.match(seedProblem(0, 'job') ?? '', /from 1 to 4294967295 \(0 means "random" to simulators\), not 0/);
    assert.match(seedProblem(2 ** 32, 'run') ?? '', /from 0 to 4294967295/);
    assert.match(seedProblem(1.5, 'run') ?? '', /whole number/);
  });
});
