// The run actor on a fake context: start-up order, relaying and ordering events, the tally,
// the last-resort sweep fed by state changes, and the drain → finish → end sequence.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodeEnded, RunEnded, RunObserver } from '../../actors/events.js';
import { ProcessGroups } from '../../actors/process-groups.js';
import type { OutboxMessage, RunMessage, StorageMessage } from '../../actors/protocol.js';
import { RunActorType } from '../../actors/run-actor.js';
import type { Address } from '../../runtime/index.js';
import { Result, RunResult } from '../../vocabulary/codes.js';
import { planOf, SETTINGS } from '../helpers/actor-rig.js';
import { FakeContext } from '../helpers/fake-context.js';

const SPEC = `!JobGroup
  id: top
  jobs:
  - !JobGroup
      id: inner
      jobs:
      - !Job
          id: a
          command: "true"
      - !Job
          id: b
          command: "true"
`;

const ended = (
  id: number,
  path: string,
  kind: NodeEnded['kind'],
  result: NodeEnded['result'],
  jobs: number,
  subtreeEnd: number,
  leaves: number,
): NodeEnded => ({
  id,
  path,
  kind,
  ts: 1,
  result,
  duration: 1,
  exitCode: null,
  signal: null,
  failure: result === 'failure' ? 'exit' : null,
  firstError: null,
  jobs,
  subtreeEnd,
  leaves,
});

const start = () => {
  const context = new FakeContext<RunMessage>({ host: 0 });
  const shown: string[] = [];
  let end: RunEnded | null = null;
  const observer: RunObserver = {
    nodeEnded: (node) => shown.push(`${node.path} ${node.result}`),
    debug: (text) => shown.push(`debug ${text}`),
  };
  const killed: [number, string][] = [];
  const processGroups = new ProcessGroups({ kill: (pgid, signal) => void killed.push([pgid, signal]) });
  const actor = RunActorType.create(
    {
      plan: planOf(SPEC),
      dbPath: '/tmp/run.sqlite',
      settings: SETTINGS,
      pools: { slots: 2, cores: 2, memoryBytes: 1e9, licenses: null },
      maxFailures: null,
      onMaxFailures: 'finish',
      storageHost: 1,
      jobHosts: [2, 3],
      observer,
      onEnd: (value) => (end = value),
      processGroups,
    },
    context,
  );
  const spawnedKind = (kind: string) => context.spawned.filter((spawned) => spawned.kind === kind);
  const storage = spawnedKind('storage')[0]!.address as Address<StorageMessage>;
  const outboxes = spawnedKind('outbox').map((spawned) => spawned.address as Address<OutboxMessage>);
  return { context, actor, shown, killed, spawnedKind, storage, outboxes, end: () => end };
};

describe('RunActor', () => {
  it('starts the root only once every job host has its outbox', () => {
    const { actor, spawnedKind } = start();
    assert.deepEqual(
      spawnedKind('outbox').map((spawned) => spawned.host),
      [2, 3],
    );
    assert.equal(spawnedKind('group').length, 0);
    actor.receive({ type: 'outbox-ready', host: 2 });
    actor.receive({ type: 'outbox-ready', host: 2 });
    assert.equal(spawnedKind('group').length, 0, 'host 3 is not ready yet');
    actor.receive({ type: 'outbox-ready', host: 3 });
    assert.equal(spawnedKind('group').length, 1);
    assert.equal(spawnedKind('group')[0]!.host, 2);
  });

  it("shows a group's end only after its last job's, whatever order the threads sent them in", () => {
    const { actor, outboxes, shown } = start();
    const from = outboxes[0]!;
    actor.receive({ type: 'events', from, processGroups: null, events: [{ type: 'ended', node: ended(2, 'top.inner.a', 'job', 'success', 1, 2, 1) }] });
    actor.receive({ type: 'events', from, processGroups: null, events: [{ type: 'ended', node: ended(1, 'top.inner', 'group', 'success', 0, 3, 2) }] });
    assert.deepEqual(shown, ['top.inner.a success'], 'top.inner waits for b');
    actor.receive({ type: 'events', from, processGroups: null, events: [{ type: 'ended', node: ended(3, 'top.inner.b', 'job', 'success', 1, 3, 1) }] });
    assert.deepEqual(shown, ['top.inner.a success', 'top.inner.b success', 'top.inner success']);
  });

  it('kills the process groups it learnt from state changes when forced to stop, and not the ended ones', () => {
    const { actor, outboxes, killed } = start();
    const from = outboxes[0]!;
    actor.receive({
      type: 'events',
      from,
      events: [],
      processGroups: {
        started: [
          [2, 9001],
          [3, 9002],
        ],
        ended: [],
      },
    });
    actor.receive({ type: 'events', from, events: [], processGroups: { started: [], ended: [2] } });
    actor.receive({ type: 'stop', force: true });
    assert.deepEqual(killed, [[9002, 'SIGKILL']]);
  });

  it('drains every outbox after the root ends, asks storage to finish, and ends with the tally', () => {
    const { context, actor, outboxes, storage, shown, end } = start();
    for (const host of [2, 3]) actor.receive({ type: 'outbox-ready', host });
    const from = outboxes[0]!;
    actor.receive({
      type: 'events',
      from,
      processGroups: null,
      events: [
        { type: 'ended', node: ended(2, 'top.inner.a', 'job', 'failure', 1, 2, 1) },
        { type: 'ended', node: ended(3, 'top.inner.b', 'job', 'success', 1, 3, 1) },
        { type: 'debug', text: 'hello' },
      ],
    });
    assert.deepEqual(context.to(from).at(-1), { type: 'shown', events: 3 });
    assert.ok(shown.includes('debug hello'));
    actor.receive({ type: 'child-ended', id: 0, result: Result.failure });
    for (const outbox of outboxes) assert.deepEqual(context.to(outbox).at(-1), { type: 'drain' });
    actor.receive({ type: 'drained', host: 2 });
    assert.equal(context.to(storage).length, 0, 'host 3 has not drained');
    actor.receive({ type: 'drained', host: 3 });
    const finish = context.to(storage)[0];
    assert.ok(finish?.type === 'finish' && finish.end.result === RunResult.failure && finish.end.exitCode === 1);
    actor.receive({ type: 'storage-finished', error: null });
    assert.deepEqual(end()?.tally, { total: 2, passed: 1, failed: 1, aborted: 0, cutOff: 0, unfinished: 0 });
    assert.deepEqual(end()?.failedPaths, ['top.inner.a']);
    assert.ok(context.stopped);
  });

  it('does not wait for a job thread that died, and ends with exit 3', () => {
    const { context, actor, outboxes, storage, end } = start();
    for (const host of [2, 3]) actor.receive({ type: 'outbox-ready', host });
    actor.receive({ type: 'runtime.child-exit', child: outboxes[1] as Address<never>, error: { name: 'HostCrashError', message: 'thread 3 died' } });
    actor.receive({ type: 'child-ended', id: 0, result: Result.success });
    actor.receive({ type: 'drained', host: 2 });
    const finish = context.to(storage)[0];
    assert.ok(finish?.type === 'finish');
    assert.deepEqual(finish.hosts, [2]);
    actor.receive({ type: 'storage-finished', error: null });
    assert.equal(end()?.exitCode, 3);
  });
});
