// The outbox on a fake context: batching, backpressure thresholds, process-group changes, drain.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Outbox } from '../../actors/outbox-actor.js';
import type { OutboxMessage, RunMessage, StorageMessage } from '../../actors/protocol.js';
import { Severity, Stream } from '../../vocabulary/codes.js';
import { FakeContext } from '../helpers/fake-context.js';

const make = () => {
  const context = new FakeContext<OutboxMessage>({ host: 2 });
  const run = context.address<RunMessage>(0);
  const storage = context.address<StorageMessage>(1);
  const outbox = new Outbox(context, { run, storage, sampleInterval: 1, debug: false });
  return { context, outbox, run, storage };
};

describe('Outbox', () => {
  it('ships lines and state changes to storage and console events to the run in one flush', () => {
    const { context, outbox, run, storage } = make();
    outbox.message(7, 1, Severity.INFO, Stream.stdout, 'hello', null);
    outbox.change({ type: 'launched', id: 7, ts: 1 });
    outbox.event({ type: 'debug', text: 'x' });
    outbox.flush();
    const [write] = context.to(storage);
    assert.ok(write?.type === 'write' && write.rows === 2 && write.batch.messages?.text[0] === 'hello');
    const [events] = context.to(run);
    assert.ok(events?.type === 'events' && events.events.length === 1 && events.processGroups === null);
  });

  it('passes process groups from started and ended state changes to the run', () => {
    const { context, outbox, run } = make();
    outbox.change({ type: 'started', id: 3, ts: 1, pid: 4321 });
    outbox.change({ type: 'started', id: 1, ts: 1, pid: null });
    outbox.flush();
    outbox.change({ type: 'ended', id: 3, ts: 2, result: 1, failure: null, exitCode: 0, signal: null, counts: null, cpuPeak: null, rssPeak: null });
    outbox.flush();
    const sent = context.to(run).map((message) => message.type === 'events' && message.processGroups);
    assert.deepEqual(sent, [
      { started: [[3, 4321]], ended: [] },
      { started: [], ended: [3] },
    ]);
  });

  it('pauses its jobs above the high-water mark of unstored rows and resumes below a quarter of it', () => {
    const { outbox } = make();
    const flow: boolean[] = [];
    outbox.onFlow((paused) => flow.push(paused));
    for (let i = 0; i < 200_001; i++) outbox.message(1, i, Severity.INFO, Stream.stdout, '', null);
    outbox.flush();
    assert.deepEqual(flow, [true]);
    assert.ok(outbox.paused);
    // Acknowledged, but still above a quarter: stays paused until enough is stored.
    let stored = 0;
    for (const rows of [16_384 * 9, 16_384]) {
      stored += rows;
      outbox.receive({ type: 'stored', rows });
    }
    assert.deepEqual(flow, [true, false], `resumed after ${stored} of 200,001 rows were stored`);
  });

  it('on drain, ships what it holds and tells storage and the run', () => {
    const { context, outbox, run, storage } = make();
    outbox.message(1, 1, Severity.ERROR, Stream.stderr, 'late', null);
    outbox.receive({ type: 'drain' });
    assert.deepEqual(
      context.to(storage).map((message) => message.type),
      ['write', 'drained'],
    );
    assert.deepEqual(context.to(run).at(-1), { type: 'drained', host: 2 });
  });
});
