// The group actor on a fake context: admission, launches, dependencies, pruning, stop, halt,
// its group timeout, crashes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupActor } from '../../../actors/group/group-actor.js';
import type { ChildEnded, GroupMessage, ResourceMessage, RunWiring } from '../../../actors/protocol.js';
import type { Address } from '../../../runtime/index.js';
import type { PlannedGroup } from '../../../spec/plan.js';
import { Result } from '../../../vocabulary/codes.js';
import { makeRig, planOf, SETTINGS } from '../../helpers/actor-rig.js';
import { FakeContext } from '../../helpers/fake-context.js';

const SPEC = `!JobGroup
  id: top
  jobs:
  - !Job
      id: build
      command: make
  - !JobArray
      id: sims
      on_pass: [build]
      repeats: 2
      jobs:
      - !Job
          id: sim
          command: ./sim
  - !Job
      id: report
      on_done: [sims]
      command: ./report
`;

const start = (spec = SPEC) => {
  const plan = planOf(spec);
  const rig = makeRig();
  const context = new FakeContext<GroupMessage>();
  const reportTo = context.address<ChildEnded>(0);
  const throttle = context.address<ResourceMessage>(2);
  const wiring: RunWiring = { run: context.address(0), storage: context.address(1), resources: throttle, jobHosts: [2, 3] };
  const root = plan.nodes[0] as PlannedGroup;
  const actor = new GroupActor(context, { reportTo, node: root, subtree: plan.nodes, settings: SETTINGS, wiring }, rig.services);
  const id = (path: string): number => plan.nodes.find((node) => node.path === path)!.id;
  return { plan, rig, context, actor, reportTo, throttle, id };
};

describe('GroupActor', () => {
  it('asks the resource actor to admit each ready job and starts it on the job hosts in turn when granted', () => {
    const { rig, context, actor, throttle, id } = start();
    assert.deepEqual(
      context.to(throttle),
      [{ type: 'acquire', from: context.self, id: id('top.build'), request: { cores: 1, memoryBytes: 0, licenses: {} } }],
      'only build is ready',
    );
    actor.receive({ type: 'granted', id: id('top.build'), waitedFor: 'cores' });
    const launched = rig.ship().changes.find((change) => change.type === 'launched' && change.id === id('top.build'));
    assert.ok(launched?.type === 'launched' && launched.waitedFor === 'cores' && launched.queuedAt !== undefined);
    const [job] = context.spawned;
    assert.equal(job?.kind, 'job');
    assert.equal(job?.host, 2);
    assert.equal((job?.init as { reportTo: Address<ChildEnded> }).reportTo, context.self, 'the job reports to its group');
  });

  it('starts dependants when a dependency passes, and reports its own end once all children ended', () => {
    const { context, actor, reportTo, throttle, id } = start();
    actor.receive({ type: 'granted', id: id('top.build'), waitedFor: null });
    actor.receive({ type: 'child-ended', id: id('top.build'), result: Result.success });
    assert.deepEqual(context.to(throttle).at(-1), { type: 'release', id: id('top.build'), failed: false }, 'what it held goes back');
    const sims = context.spawned.find((spawned) => spawned.kind === 'group');
    assert.ok(sims, 'the array starts at once: groups take no slot');
    actor.receive({ type: 'child-ended', id: id('top.sims'), result: Result.failure });
    actor.receive({ type: 'granted', id: id('top.report'), waitedFor: null });
    actor.receive({ type: 'child-ended', id: id('top.report'), result: Result.success });
    assert.deepEqual(context.to(reportTo), [{ type: 'child-ended', id: id('top'), result: Result.failure }]);
    assert.ok(context.stopped);
  });

  it('prunes a child whose dependency went the wrong way: its whole subtree is aborted in one range', () => {
    const { rig, context, actor, reportTo, id } = start();
    actor.receive({ type: 'granted', id: id('top.build'), waitedFor: null });
    actor.receive({ type: 'child-ended', id: id('top.build'), result: Result.failure });
    const { changes, events } = rig.ship();
    const aborted = changes.find((change) => change.type === 'aborted');
    assert.deepEqual(aborted?.type === 'aborted' && [aborted.from, aborted.to], [id('top.sims'), id('top.sims.sim_1')]);
    const end = events.find((event) => event.type === 'ended' && event.node.path === 'top.sims');
    assert.ok(end?.type === 'ended' && end.node.result === 'aborted' && end.node.jobs === 2);
    // report runs on_done whatever sims did.
    actor.receive({ type: 'granted', id: id('top.report'), waitedFor: null });
    actor.receive({ type: 'child-ended', id: id('top.report'), result: Result.success });
    assert.deepEqual(context.to(reportTo)[0]?.result, Result.failure);
  });

  it('on stop, cancels its slot requests, stops running children and aborts the rest together', () => {
    const { rig, context, actor, throttle, id } = start();
    actor.receive({ type: 'granted', id: id('top.build'), waitedFor: null });
    const build = context.spawned[0]!.address;
    actor.receive({ type: 'stop', force: false });
    assert.deepEqual(context.to(throttle).at(-1), { type: 'cancel', from: context.self });
    assert.deepEqual(context.to(build), [{ type: 'stop', force: false }]);
    actor.receive({ type: 'child-ended', id: id('top.build'), result: Result.failure });
    const { changes, events } = rig.ship();
    const ends = events.flatMap((event) => (event.type === 'ended' ? [event.node] : []));
    // sims (an array of 2) and report are neighbours that never started: one range, one end.
    assert.deepEqual(
      ends.map((node) => [node.path, node.result, node.id, node.subtreeEnd, node.jobs, node.notStarted ?? null]),
      [
        ['top', 'aborted', id('top.sims'), id('top.report'), 3, 'the run is stopping'],
        ['top', 'failure', id('top'), id('top.report'), 0, null],
      ],
    );
    assert.deepEqual(
      changes.filter((change) => change.type === 'aborted').map((change) => change.type === 'aborted' && [change.from, change.to]),
      [[id('top.sims'), id('top.report')]],
    );
  });

  it('fails a child that crashed as internal', () => {
    const { rig, context, actor, id } = start();
    actor.receive({ type: 'granted', id: id('top.build'), waitedFor: null });
    const build = context.spawned[0]!.address;
    actor.receive({ type: 'runtime.child-exit', child: build, error: { name: 'Error', message: 'kaboom' } });
    const ended = rig.ship().changes.find((change) => change.type === 'ended' && change.id === id('top.build'));
    assert.ok(ended?.type === 'ended' && ended.failure === 'internal');
  });

  it('tells the resource actor a failed job failed, for --max-failures', () => {
    const { context, actor, throttle, id } = start();
    actor.receive({ type: 'granted', id: id('top.build'), waitedFor: null });
    actor.receive({ type: 'child-ended', id: id('top.build'), result: Result.failure });
    assert.deepEqual(
      context.to(throttle).find((message) => message.type === 'release'),
      { type: 'release', id: id('top.build'), failed: true },
    );
  });

  it('on halt aborts what has not started, passes the halt to running groups, and lets running jobs finish', () => {
    const { rig, context, actor, throttle, id } = start();
    actor.receive({ type: 'granted', id: id('top.build'), waitedFor: null });
    actor.receive({ type: 'child-ended', id: id('top.build'), result: Result.success });
    const sims = context.spawned.find((spawned) => spawned.kind === 'group')!.address;
    actor.receive({ type: 'halt', reason: '3 jobs failed (--max-failures 3)' });
    assert.deepEqual(context.to(throttle).at(-1), { type: 'cancel', from: context.self });
    assert.deepEqual(context.to(sims), [{ type: 'halt', reason: '3 jobs failed (--max-failures 3)' }]);
    actor.receive({ type: 'child-ended', id: id('top.sims'), result: Result.success });
    const ends = rig.ship().events.filter((event) => event.type === 'ended');
    // What had not started ends as one aborted range, said once for the group.
    const report = ends.find((event) => event.type === 'ended' && event.node.id === id('top.report'));
    assert.ok(report?.type === 'ended' && report.node.result === 'aborted' && report.node.notStarted === '3 jobs failed (--max-failures 3)');
    const top = ends.find((event) => event.type === 'ended' && event.node.path === 'top');
    assert.ok(top?.type === 'ended' && top.node.result === 'aborted', 'halted, not failed by itself');
  });

  it('at its group_timeout stops what runs as a timeout, aborts the rest, and fails as timeout', () => {
    const { rig, context, actor, id } = start(SPEC.replace('  id: top\n', '  id: top\n  group_timeout: 1h\n'));
    actor.receive({ type: 'granted', id: id('top.build'), waitedFor: null });
    const build = context.spawned[0]!.address;
    actor.receive({ type: 'group-timeout' });
    const [stop] = context.to(build);
    assert.deepEqual(stop, { type: 'stop', force: false, cause: { kind: 'timeout', text: "group 'top' timed out after 1 h (its group_timeout)" } });
    actor.receive({ type: 'child-ended', id: id('top.build'), result: Result.failure });
    const { changes } = rig.ship();
    const top = changes.find((change) => change.type === 'ended' && change.id === id('top'));
    assert.ok(top?.type === 'ended' && top.result === Result.failure && top.failure === 'timeout');
    actor.stopped();
  });
});
