import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HEARTBEAT_STALE_SECONDS, runEndTime, runStatus, shownJob, systemProbe, type LivenessProbe } from '../../../storage/readers/liveness.js';

const probe = (now: number, alive: boolean, hostname = 'here'): LivenessProbe => ({ now: () => now, hostname, pidAlive: () => alive });
const run = { startedAt: 100, endedAt: null as number | null, heartbeatAt: 190 as number | null, host: 'here', pid: 4242 as number | null };

describe('runStatus', () => {
  it('says done once the run has ended, whatever the heartbeat', () => {
    assert.equal(runStatus({ ...run, endedAt: 200 }, probe(10_000, false)), 'done');
  });

  it('says running with a fresh heartbeat and a live pid', () => {
    assert.equal(runStatus(run, probe(195, true)), 'running');
    assert.equal(runStatus(run, probe(190 + HEARTBEAT_STALE_SECONDS, true)), 'running');
  });

  it('says cut off when the heartbeat is older than 10 s', () => {
    assert.equal(runStatus(run, probe(190 + HEARTBEAT_STALE_SECONDS + 0.5, true)), 'cut-off');
  });

  it('says cut off at once when the runner ran here and its pid is gone', () => {
    assert.equal(runStatus(run, probe(191, false)), 'cut-off');
  });

  it('trusts the heartbeat alone for a runner on another host', () => {
    assert.equal(runStatus({ ...run, host: 'elsewhere' }, probe(191, false)), 'running');
    assert.equal(runStatus({ ...run, host: 'elsewhere' }, probe(300, false)), 'cut-off');
  });

  it('says cut off without any heartbeat', () => {
    assert.equal(runStatus({ ...run, heartbeatAt: null }, probe(191, true)), 'cut-off');
  });

  it('sees this very process as alive', () => {
    assert.equal(runStatus({ ...run, heartbeatAt: systemProbe.now(), host: systemProbe.hostname, pid: process.pid }), 'running');
    assert.equal(runStatus({ ...run, heartbeatAt: systemProbe.now(), host: systemProbe.hostname, pid: 4_194_321 }), 'cut-off');
  });
});

describe('runEndTime', () => {
  it('is the end, now, or the last heartbeat', () => {
    assert.equal(runEndTime({ ...run, endedAt: 250 }, 'done', probe(999, true)), 250);
    assert.equal(runEndTime(run, 'running', probe(999, true)), 999);
    assert.equal(runEndTime(run, 'cut-off', probe(999, true)), 190);
    assert.equal(runEndTime({ ...run, heartbeatAt: null }, 'cut-off', probe(999, true)), 100);
  });
});

describe('shownJob', () => {
  it('shows in-flight jobs of a cut-off run as cut off, never as passed', () => {
    for (const state of ['launched', 'running'] as const) {
      assert.deepEqual(shownJob({ state, result: 'unknown' }, 'cut-off'), { state: 'cut-off', result: 'cut-off' });
      assert.deepEqual(shownJob({ state, result: 'success' }, 'cut-off'), { state: 'cut-off', result: 'cut-off' });
      assert.deepEqual(shownJob({ state, result: 'unknown' }, 'running'), { state, result: 'unknown' });
    }
    assert.deepEqual(shownJob({ state: 'complete', result: 'success' }, 'cut-off'), { state: 'complete', result: 'success' });
    assert.deepEqual(shownJob({ state: 'pending', result: 'unknown' }, 'cut-off'), { state: 'pending', result: 'unknown' });
  });
});
