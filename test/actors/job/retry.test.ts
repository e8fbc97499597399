// Which failed attempts are retried: retries bound the attempts, retry_on picks the failures.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutputWatch, retryReason, type AttemptEnd } from '../../../actors/job/retry.js';
import { describeRule } from '../../../spec/retry-rule.js';
import { DEFAULT_RETRY_ON, type RetryPolicy } from '../../../spec/index.js';

const end = (over: Partial<AttemptEnd>): AttemptEnd => ({ failure: 'exit', exitCode: 1, outputMatched: false, ...over });
const policy = (retries: number, on: RetryPolicy['on'] = DEFAULT_RETRY_ON): RetryPolicy => ({ retries, on });

describe('retryReason', () => {
  it('retries signals and timeouts by default, not a plain exit 1', () => {
    const p = policy(3);
    assert.equal(retryReason(p, 1, end({})), undefined);
    assert.equal(retryReason(p, 1, end({ failure: 'signal', exitCode: null }))?.kind, 'signal');
    assert.equal(retryReason(p, 1, end({ failure: 'timeout', exitCode: null }))?.kind, 'timeout');
  });

  it('stops after `retries` more attempts', () => {
    const p = policy(2, [{ kind: 'any' }]);
    assert.ok(retryReason(p, 1, end({})));
    assert.ok(retryReason(p, 2, end({})));
    assert.equal(retryReason(p, 3, end({})), undefined);
    assert.equal(retryReason(policy(0, [{ kind: 'any' }]), 1, end({})), undefined);
  });

  it('matches exit codes, any non-zero exit, output, and never a stop', () => {
    const p = policy(5, [{ kind: 'exit', code: 3 }]);
    assert.ok(retryReason(p, 1, end({ exitCode: 3 })));
    assert.equal(retryReason(p, 1, end({ exitCode: 4 })), undefined);
    assert.ok(retryReason(policy(1, [{ kind: 'exit', code: null }]), 1, end({ exitCode: 4 })));
    assert.equal(retryReason(policy(1, [{ kind: 'exit', code: null }]), 1, end({ failure: 'error-count', exitCode: 0 })), undefined);
    const out = policy(1, [{ kind: 'output', pattern: 'License checkout failed', flags: '' }]);
    assert.ok(retryReason(out, 1, end({ outputMatched: true })));
    assert.equal(retryReason(out, 1, end({})), undefined);
    assert.equal(retryReason(policy(3, [{ kind: 'any' }]), 1, end({ failure: 'interrupted' })), undefined);
  });

  it('names rules as the spec writes them', () => {
    assert.equal(describeRule({ kind: 'exit', code: 3 }), 'exit:3');
    assert.equal(describeRule({ kind: 'output', pattern: 'lic.*', flags: 'i' }), 'output:/lic.*/i');
    assert.equal(describeRule({ kind: 'signal' }), 'signal');
  });
});

describe('OutputWatch', () => {
  it('notices a matching line, and forgets it for the next attempt', () => {
    const p = policy(2, [{ kind: 'output', pattern: 'checkout (failed|denied)', flags: 'i' }]);
    const watch = OutputWatch.for(p);
    assert.ok(watch !== null);
    watch.line('starting');
    assert.equal(watch.matched, false);
    watch.line('Error: License CHECKOUT DENIED for VCS');
    assert.equal(watch.matched, true);
    watch.reset();
    assert.equal(watch.matched, false);
  });

  it('costs nothing when no rule reads output', () => {
    assert.equal(OutputWatch.for(policy(3)), null);
    assert.equal(OutputWatch.for(policy(0, [{ kind: 'output', pattern: 'x', flags: '' }])), null);
  });
});
