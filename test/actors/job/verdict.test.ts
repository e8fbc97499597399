// The order in which a job's verdict is decided, and the limits it is judged by.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveLimits, judge, type Outcome } from '../../../actors/job/verdict.js';

const clean: Outcome = { exitCode: 0, signal: null, counts: [0, 0, 0, 0, 0], spawnFailed: false, lost: false, timedOut: false, interrupted: false };
const strict = { warning: null, error: 0, critical: 0 };

describe('judge', () => {
  it('passes a clean job, and fails on the first reason in order', () => {
    assert.deepEqual(judge(clean, strict), { result: 1, failure: null, detail: null });
    const all: Outcome = {
      ...clean,
      exitCode: 1,
      counts: [0, 0, 5, 3, 1],
      failMatch: 'TEST FAILED',
      missingPass: ['^ok$'],
      testResults: '1 of 2 cocotb tests failed',
    };
    assert.deepEqual(judge({ ...all, signal: 'SIGTERM', timedOut: true }, strict), { result: 2, failure: 'timeout', detail: null });
    assert.deepEqual(judge({ ...all, signal: 'SIGSEGV' }, strict), { result: 2, failure: 'signal', detail: null });
    assert.deepEqual(judge(all, strict), { result: 2, failure: 'fail-pattern', detail: 'TEST FAILED' });
    assert.deepEqual(judge({ ...all, failMatch: null }, strict), { result: 2, failure: 'test-results', detail: '1 of 2 cocotb tests failed' });
    assert.equal(judge({ ...all, failMatch: null, testResults: null }, strict).failure, 'exit');
    assert.equal(judge({ ...all, failMatch: null, testResults: null, exitCode: 0 }, strict).failure, 'critical-count');
    assert.deepEqual(judge({ ...clean, missingPass: ['^TEST PASSED$', 'cov'] }, strict), {
      result: 2,
      failure: 'pass-pattern',
      detail: '/^TEST PASSED$/, /cov/',
    });
  });

  it("judges by the job's own limits, the run's where it sets none", () => {
    const limits = effectiveLimits(strict, { error: 2, warning: 1 });
    assert.deepEqual(limits, { warning: 1, error: 2, critical: 0 });
    assert.equal(judge({ ...clean, counts: [0, 0, 1, 2, 0] }, limits).result, 1);
    assert.equal(judge({ ...clean, counts: [0, 0, 2, 0, 0] }, limits).failure, 'warning-count');
    assert.deepEqual(effectiveLimits(strict, { critical: null }), { warning: null, error: 0, critical: null });
  });
});
