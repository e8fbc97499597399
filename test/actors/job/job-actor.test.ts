// The job actor on a fake context: lines, verdicts, stop and grace, a lost watcher, backpressure,
// timeouts, retries and the memory warning.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JobActor } from '../../../actors/job/job-actor.js';
import type { ChildEnded, JobMessage } from '../../../actors/protocol.js';
import type { PlannedJob } from '../../../spec/plan.js';
import { Result } from '../../../vocabulary/codes.js';
import { makeRig, planOf, SETTINGS } from '../../helpers/actor-rig.js';
import { FakeContext } from '../../helpers/fake-context.js';

const JOB = planOf('!Job\n  id: sim\n  command: ./sim\n  args: [--seed, "4"]\n').nodes[0] as PlannedJob;

const start = (settings = SETTINGS) => {
  const rig = makeRig();
  const context = new FakeContext<JobMessage>();
  const reportTo = context.address<ChildEnded>(2);
  const actor = new JobActor(context, { reportTo, job: JOB, settings, wiring: null as never }, rig.services);
  /** Delivers what the launcher's callbacks sent the actor, as the runtime would. */
  const pump = (): void => {
    for (let own = context.takeOwn(); own.length > 0; own = context.takeOwn()) for (const message of own) actor.receive(message);
  };
  // The job starts once its API endpoint listens.
  pump();
  const launch = rig.launcher.launches[0]!;
  return { rig, context, actor, launch, reportTo, pump };
};

describe('JobActor', () => {
  it('starts the command directly, records stdout as INFO and stderr as ERROR, and fails on the ERROR', () => {
    const { rig, context, launch, reportTo, pump } = start();
    assert.equal(launch.spec.command, './sim');
    assert.deepEqual(launch.spec.args, ['--seed', '4']);
    launch.listener.started(4242);
    launch.listener.output(0, Buffer.from('hello\n\nworld\n'));
    launch.listener.output(1, Buffer.from('boom\n'));
    launch.listener.ended(0, null, false);
    pump();
    assert.ok(rig.sampler.watched.has(4242));
    const { changes, events, lines } = rig.ship();
    assert.equal(lines, 4, 'three INFO lines (the blank one kept) and one ERROR');
    const ended = changes.find((change) => change.type === 'ended');
    assert.deepEqual(
      { result: ended?.type === 'ended' && ended.result, failure: ended?.type === 'ended' && ended.failure, counts: ended?.type === 'ended' && ended.counts },
      { result: Result.failure, failure: 'error-count', counts: [0, 3, 0, 1, 0] },
    );
    const end = events.find((event) => event.type === 'ended');
    assert.equal(end?.type === 'ended' && end.node.firstError, 'boom');
    assert.deepEqual(context.to(reportTo), [{ type: 'child-ended', id: JOB.id, result: Result.failure }]);
    assert.ok(context.stopped);
  });

  it('passes on exit 0 within the limits, and fails with the exit code otherwise', () => {
    const ok = start();
    ok.launch.listener.started(1);
    ok.launch.listener.ended(0, null, false);
    ok.pump();
    assert.deepEqual(ok.context.to(ok.reportTo), [{ type: 'child-ended', id: JOB.id, result: Result.success }]);
    const bad = start();
    bad.launch.listener.started(2);
    bad.launch.listener.ended(3, null, false);
    bad.pump();
    const ended = bad.rig.ship().changes.find((change) => change.type === 'ended');
    assert.ok(ended?.type === 'ended' && ended.failure === 'exit' && ended.exitCode === 3);
  });

  it('stops with SIGTERM to the process group, SIGKILL when the grace runs out, and ends as interrupted', () => {
    const { rig, actor, launch, pump } = start();
    launch.listener.started(777);
    pump();
    actor.receive({ type: 'stop', force: false });
    assert.deepEqual(rig.signals, [[777, 'SIGTERM', 'stop']]);
    actor.receive({ type: 'grace-expired' });
    assert.deepEqual(rig.signals.at(-1), [777, 'SIGKILL', 'grace-expired']);
    launch.listener.ended(null, 'SIGKILL', false);
    pump();
    assert.deepEqual(rig.signals.at(-1), [777, 'SIGKILL', 'stragglers'], 'whatever is left in the group is killed too');
    const ended = rig.ship().changes.find((change) => change.type === 'ended');
    assert.ok(ended?.type === 'ended' && ended.failure === 'interrupted');
  });

  it('reaches a process that starts after the stop, and kills at once when forced', () => {
    const early = start();
    early.actor.receive({ type: 'stop', force: false });
    assert.deepEqual(early.rig.signals, [], 'no pid yet');
    early.launch.listener.started(31);
    early.pump();
    assert.deepEqual(early.rig.signals, [[31, 'SIGTERM', 'stop']]);
    const forced = start();
    forced.launch.listener.started(32);
    forced.pump();
    forced.actor.receive({ type: 'stop', force: true });
    assert.deepEqual(forced.rig.signals, [[32, 'SIGKILL', 'force']]);
    assert.equal(forced.launch.cut.asked, true, 'it ends at the reap, without a drain');
  });

  it('ends a forced job whose process is not reaped after all, and says its output may be cut', () => {
    const { rig, context, actor, launch, reportTo, pump } = start();
    launch.listener.started(33);
    pump();
    actor.receive({ type: 'stop', force: true });
    actor.receive({ type: 'force-expired' });
    const { changes, events } = rig.ship();
    const ended = changes.find((change) => change.type === 'ended');
    assert.ok(ended?.type === 'ended' && ended.failure === 'interrupted');
    assert.ok(events.some((event) => event.type === 'message' && event.message.text.startsWith('output may have been cut')));
    assert.equal(context.to(reportTo).length, 1);
    actor.stopped();
  });

  it('notes a cut output: processes the job left behind held its pipes past the drain', () => {
    const { rig, launch, pump } = start();
    launch.listener.started(34);
    launch.listener.output(0, Buffer.from('started\n'));
    launch.listener.ended(0, null, true);
    pump();
    const { changes, events } = rig.ship();
    const ended = changes.find((change) => change.type === 'ended');
    assert.ok(ended?.type === 'ended' && ended.result === Result.success, 'a cut output fails nothing');
    const note = events.find((event) => event.type === 'message' && event.message.severity === 'WARNING');
    assert.match(note?.type === 'message' ? note.message.text : '', /^output may have been cut: after the job's own process ended/);
  });

  it('waits out a shortage of the runner, says so once, and starts the job again; a stop meanwhile ends it as interrupted', () => {
    const { rig, context, actor, launch, pump } = start();
    launch.listener.failed('EMFILE', 'resource failed: EMFILE', true);
    pump();
    const { events } = rig.ship();
    assert.deepEqual(
      events.filter((event) => event.type === 'notice').map((event) => event.type === 'notice' && event.key),
      ['shortage EMFILE'],
    );
    actor.receive({ type: 'relaunch' });
    assert.equal(rig.launcher.launches.length, 2, 'started again');
    rig.launcher.launches[1]!.listener.failed('EMFILE', 'resource failed: EMFILE', true);
    pump();
    actor.receive({ type: 'stop', force: false });
    const ended = rig.ship().changes.find((change) => change.type === 'ended');
    assert.ok(ended?.type === 'ended' && ended.failure === 'interrupted', 'never started, never blamed');
    assert.ok(context.stopped);
  });

  it('kills and fails as internal when what watched the process is lost', () => {
    const { rig, context, launch, reportTo, pump } = start();
    launch.listener.started(55);
    launch.listener.lost('the spawn server ended (SIGSEGV)');
    pump();
    assert.deepEqual(rig.signals, [[55, 'SIGKILL', 'lost']]);
    const ended = rig.ship().changes.find((change) => change.type === 'ended');
    assert.ok(ended?.type === 'ended' && ended.failure === 'internal');
    assert.equal(context.to(reportTo)[0]?.result, Result.failure);
  });

  it('fails as spawn when the command cannot start, naming the command', () => {
    const { rig, launch, pump } = start();
    launch.listener.failed('ENOENT', 'spawn ./sim ENOENT', false);
    pump();
    const { changes, events } = rig.ship();
    const ended = changes.find((change) => change.type === 'ended');
    assert.ok(ended?.type === 'ended' && ended.failure === 'spawn');
    const line = events.find((event) => event.type === 'message');
    assert.match(line?.type === 'message' ? line.message.text : '', /\.\/sim/);
  });

  it('pauses and resumes its pipes with the outbox, and stops sampling when it ends', () => {
    const { rig, actor, launch, pump } = start();
    launch.listener.started(9);
    pump();
    actor.receive({ type: 'flow', paused: true });
    actor.receive({ type: 'flow', paused: false });
    assert.deepEqual(launch.flow, [true, false]);
    launch.listener.ended(0, null, false);
    pump();
    actor.stopped();
    assert.equal(rig.sampler.watched.size, 0);
  });

  const controlled = (yaml: string, settings = SETTINGS) => {
    const job = planOf(yaml).nodes[0] as PlannedJob;
    const rig = makeRig();
    const context = new FakeContext<JobMessage>();
    const reportTo = context.address<ChildEnded>(2);
    const actor = new JobActor(context, { reportTo, job, settings, wiring: null as never }, rig.services);
    const pump = (): void => {
      for (let own = context.takeOwn(); own.length > 0; own = context.takeOwn()) for (const message of own) actor.receive(message);
    };
    // The job starts once its API endpoint listens.
    pump();
    return { rig, context, actor, reportTo, pump, job };
  };

  it('at its timeout sends SIGTERM to the process group, SIGKILL after the grace, and fails as timeout', () => {
    const { rig, actor, pump, reportTo, context } = controlled('!Job {id: hang, timeout: 1h, command: sleep}');
    const launch = rig.launcher.launches[0]!;
    launch.listener.started(71);
    pump();
    actor.receive({ type: 'timed-out' });
    assert.deepEqual(rig.signals, [[71, 'SIGTERM', 'timeout']]);
    actor.receive({ type: 'grace-expired' });
    assert.deepEqual(rig.signals.at(-1), [71, 'SIGKILL', 'grace-expired']);
    launch.listener.ended(null, 'SIGKILL', false);
    pump();
    const { changes, events } = rig.ship();
    const ended = changes.find((change) => change.type === 'ended');
    assert.ok(ended?.type === 'ended' && ended.failure === 'timeout' && ended.signal === 'SIGKILL');
    const texts = events.flatMap((event) => (event.type === 'message' ? [event.message.text] : []));
    assert.ok(texts.includes('reached its 1 h timeout: sent SIGTERM, SIGKILL in 5 s'), texts.join('\n'));
    assert.ok(texts.includes('did not end within 5 s of SIGTERM: killed (SIGKILL)'));
    assert.deepEqual(context.to(reportTo), [{ type: 'child-ended', id: 0, result: Result.failure }]);
  });

  it("runs a failed attempt again when retry_on matches, keeping each line's attempt, and ends flaky", () => {
    const { rig, actor, pump, reportTo, context } = controlled('!Job {id: flaky, retries: 2, retry_on: [exit:3], command: ./sim}');
    rig.launcher.launches[0]!.listener.started(81);
    rig.launcher.launches[0]!.listener.output(0, Buffer.from('first\n'));
    rig.launcher.launches[0]!.listener.ended(3, null, false);
    pump();
    assert.equal(rig.launcher.launches.length, 2, 'started again');
    // The first attempt's endpoint closed as it drained: the second attempt has one of its own.
    const parents = rig.launcher.launches.map((launch) => launch.spec.env['GATOR_PARENT']);
    assert.deepEqual(parents, ['127.0.0.1:40001', '127.0.0.1:40002']);
    assert.deepEqual(context.to(reportTo), [], 'not ended yet');
    rig.launcher.launches[1]!.listener.started(82);
    rig.launcher.launches[1]!.listener.output(0, Buffer.from('second\n'));
    rig.launcher.launches[1]!.listener.ended(0, null, false);
    pump();
    const { changes } = rig.ship();
    const retried = changes.find((change) => change.type === 'retried');
    assert.ok(retried?.type === 'retried' && retried.attempt === 1 && retried.exitCode === 3 && retried.pid === 81);
    assert.ok(changes.some((change) => change.type === 'attempt-started' && change.attempt === 2 && change.pid === 82));
    const ended = changes.find((change) => change.type === 'ended');
    assert.ok(ended?.type === 'ended' && ended.result === Result.success && ended.flaky === true);
    assert.deepEqual(context.to(reportTo), [{ type: 'child-ended', id: 0, result: Result.success }]);
    void actor;
  });

  it('does not retry a failure its rules do not name, nor a stopped job', () => {
    const plain = controlled('!Job {id: plain, retries: 3, command: ./sim}');
    plain.rig.launcher.launches[0]!.listener.started(91);
    plain.rig.launcher.launches[0]!.listener.ended(1, null, false);
    plain.pump();
    assert.equal(plain.rig.launcher.launches.length, 1, 'exit 1 is not retried by default');
    const stopped = controlled('!Job {id: s, retries: 3, retry_on: [any], command: ./sim}');
    stopped.rig.launcher.launches[0]!.listener.started(92);
    stopped.pump();
    stopped.actor.receive({ type: 'stop', force: false });
    stopped.rig.launcher.launches[0]!.listener.ended(null, 'SIGTERM', false);
    stopped.pump();
    assert.equal(stopped.rig.launcher.launches.length, 1);
  });

  it('warns once when its memory goes above its !Memory request', () => {
    const { rig, actor, pump } = controlled('!Job {id: hog, resources: [!Memory [10, MB]], command: ./sim}');
    rig.launcher.launches[0]!.listener.started(93);
    pump();
    for (const rss of [5e6, 12e6, 15e6, 4e6, 20e6]) actor.receive({ type: 'sample', ts: 1, nproc: 1, cpu: 1, rss });
    const warnings = rig.ship().events.flatMap((event) => (event.type === 'message' && event.message.severity === 'WARNING' ? [event.message.text] : []));
    assert.deepEqual(warnings, [
      'uses 12 MB of memory, more than its !Memory request of 10 MB',
      'uses 20 MB of memory, more than its !Memory request of 10 MB',
    ]);
  });
});
