// The `scheduler:` section: options for jobs run on a cluster, inherited down the tree.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpecError, parseSpec, planRun, type PlannedJob } from '../../spec/index.js';

const planJobs = (text: string): Map<string, PlannedJob> =>
  new Map(
    planRun(parseSpec(text, 'spec.yaml'), { specPath: 'spec.yaml', launchDir: '/launch', baseEnv: {}, runSeed: 1 })
      .nodes.filter((n): n is PlannedJob => n.kind === 'job')
      .map((n) => [n.path, n]),
  );

describe('scheduler: in the spec', () => {
  it("is inherited: a nearer node's field wins, args add up, time reads as a duration", () => {
    const jobs = planJobs(`
!JobGroup
  id: top
  scheduler: {partition: long, account: chip, args: [--constraint=avx2]}
  jobs:
  - !Job
      id: sim
      scheduler: {partition: short, time: 1h30m, args: [--exclusive]}
      command: 'true'
  - !Job
      id: plain
      command: 'true'
  - !JobGroup
      id: inner
      scheduler: {qos: high}
      jobs:
      - !Job {id: deep, command: 'true'}
`);
    assert.deepEqual(jobs.get('top.sim')!.scheduler, {
      partition: 'short',
      account: 'chip',
      timeSeconds: 5400,
      extraArgs: ['--constraint=avx2', '--exclusive'],
    });
    assert.deepEqual(jobs.get('top.plain')!.scheduler, { partition: 'long', account: 'chip', extraArgs: ['--constraint=avx2'] });
    assert.deepEqual(jobs.get('top.inner.deep')!.scheduler, { partition: 'long', account: 'chip', qos: 'high', extraArgs: ['--constraint=avx2'] });
  });

  it('is absent when no node sets it', () => {
    assert.equal(planJobs(`!Job {id: one, command: 'true'}`).get('one')!.scheduler, undefined);
  });

  it('names a wrong key or value at its position', () => {
    assert.throws(
      () => planJobs(`!Job\n  id: one\n  command: 'true'\n  scheduler: {partitoin: short}\n`),
      (error: unknown) =>
        error instanceof SpecError &&
        /spec\.yaml:4:\d+: unknown key 'partitoin' in scheduler; allowed: partition, account, qos, time, args/.test(error.message),
    );
    assert.throws(
      () => planJobs(`!Job\n  id: one\n  command: 'true'\n  scheduler: {time: soon}\n`),
      (error: unknown) => error instanceof SpecError && /spec\.yaml:4:\d+: scheduler time/.test(error.message),
    );
    assert.throws(
      () => planJobs(`!Job\n  id: one\n  command: 'true'\n  scheduler: short\n`),
      (error: unknown) => error instanceof SpecError && /scheduler must be a mapping/.test(error.message),
    );
  });
});
