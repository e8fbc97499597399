// The one leaf-job tally: counted from rows, or settled as a live run goes.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { countJobs, openTally, settleJobs } from '../../vocabulary/tally.js';

it('counts rows by outcome, cut-off jobs apart from failures', () => {
  const tally = openTally();
  for (const outcome of ['success', 'success', 'failure', 'aborted', 'cut-off', 'unknown'] as const) countJobs(tally, outcome);
  countJobs(tally, 'success', 10);
  assert.deepEqual(tally, { total: 16, passed: 12, failed: 1, aborted: 1, cutOff: 1, unfinished: 1 });
});

it('settles a live run out of its unfinished jobs, a pruned subtree all at once', () => {
  const tally = openTally(10);
  settleJobs(tally, 'success');
  settleJobs(tally, 'aborted', 4);
  settleJobs(tally, 'unknown');
  assert.deepEqual(tally, { total: 10, passed: 1, failed: 0, aborted: 4, cutOff: 0, unfinished: 5 });
});
