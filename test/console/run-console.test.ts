// The default console's lines under each verbosity, and what reaches a pipe.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRunConsole, type ConsoleOptions } from '../../console/index.js';
import { FakeStream } from '../helpers/console/fake-stream.js';
import { failed, message, passed, runEnded, started, T0 } from '../helpers/console/events.js';

const ANY_ESCAPE = /[\u001b\u009b]/;
const SGR = /\u001b\[[0-9;]*m/;

const options = (stream: FakeStream, overrides: Partial<ConsoleOptions> = {}): ConsoleOptions => ({
  stream: stream.asStream,
  progress: false,
  color: undefined,
  verbose: false,
  quiet: false,
  allMessages: false,
  statusInterval: 10,
  env: {},
  now: () => T0 + 50,
  ...overrides,
});

/** A small run: a passes, b fails with a first ERROR line carrying an escape sequence. */
const feed = async (stream: FakeStream, overrides: Partial<ConsoleOptions> = {}): Promise<void> => {
  const run = await createRunConsole(options(stream, overrides));
  const o = run.observer;
  o.runStarted?.({ ts: T0, jobCount: 2, dbPath: '/tmp/run.sqlite', trackingDir: '/tmp' });
  o.debug?.('planning 2 jobs');
  o.jobStarted?.(started(1, 'top.a'));
  o.jobStarted?.(started(2, 'top.b'));
  o.message?.(message(1, 'top.a', 'INFO', 'hello from a'));
  o.message?.(message(2, 'top.b', 'WARNING', 'careful'));
  o.message?.(message(2, 'top.b', 'ERROR', '\u001b[31mboom\u001b[0m'));
  o.nodeEnded?.(passed(1, 'top.a'));
  o.nodeEnded?.(failed(2, 'top.b', '\u001b[31mboom\u001b[0m'));
  o.runEnded?.(runEnded({ total: 2, passed: 1, failed: 1, aborted: 0 }, ['top.b']));
  run.close();
  run.close();
};

test('default: starts, ends with result and duration, messages that arrive, a tally', async () => {
  const stream = new FakeStream({ isTTY: false });
  await feed(stream);
  const text = stream.text;
  assert.match(text, / START {4}top\.a: started \(pid 1001\): sim --seed 1\n/);
  assert.match(text, / PASS {5}top\.a: passed in 1\.00s\n/);
  assert.match(text, / FAIL {5}top\.b: failed in 2\.00s: exit code 1: ␛\[31mboom␛\[0m\n/);
  assert.match(text, / WARNING {2}top\.b: careful\n/);
  assert.match(text, /run failed in 1m40s: 2 jobs, 1 passed, 1 failed, 0 aborted\n/);
  assert.match(text, /\nFailed: top\.b\nDatabase: \/tmp\/run\.sqlite\n$/);
  assert.doesNotMatch(text, /planning 2 jobs/, 'runner DEBUG only with -v');
  assert.doesNotMatch(text, ANY_ESCAPE, 'a pipe gets no escape sequence at all');
});

test('-v adds the runner DEBUG lines', async () => {
  const stream = new FakeStream({ isTTY: false });
  await feed(stream, { verbose: true });
  assert.match(stream.text, / DEBUG {4}gator: planning 2 jobs\n/);
});

test('--quiet shows only failures and the tally', async () => {
  const stream = new FakeStream({ isTTY: false });
  await feed(stream, { quiet: true });
  const lines = stream.text.trimEnd().split('\n');
  assert.equal(lines.length, 4, stream.text);
  assert.match(lines[0] ?? '', / FAIL {5}top\.b: failed/);
  assert.match(lines[1] ?? '', /run failed/);
  assert.doesNotMatch(stream.text, /START|PASS|WARNING|hello/);
});

test('failures say why: exit code, signal, error count', async () => {
  const stream = new FakeStream({ isTTY: false });
  const run = await createRunConsole(options(stream));
  const o = run.observer;
  o.nodeEnded?.({ ...failed(1, 'top.sig', null), exitCode: null, signal: 'SIGKILL', failure: 'signal' });
  o.message?.(message(2, 'top.cnt', 'ERROR', 'one'));
  o.message?.(message(2, 'top.cnt', 'ERROR', 'two'));
  o.nodeEnded?.({ ...failed(2, 'top.cnt', 'one'), exitCode: 0, failure: 'error-count' });
  o.nodeEnded?.({ ...passed(3, 'top.grp'), kind: 'group', result: 'aborted', jobs: 7 });
  run.close();
  assert.match(stream.text, /top\.sig: failed in 2\.00s: killed by SIGKILL\n/);
  assert.match(stream.text, /top\.cnt: failed in 2\.00s: 2 ERROR lines over the limit: one\n/);
  assert.match(stream.text, / ABORT {4}top\.grp: aborted with its 7 jobs/);
});

test('--progress without a terminal: plain status lines, on every failure too, no cursor movement', async () => {
  const stream = new FakeStream({ isTTY: false });
  await feed(stream, { progress: true, statusInterval: 3600 });
  const status = stream.text.split('\n').filter((line) => / STATUS {3}run: /.test(line));
  assert.equal(status.length, 1, 'one status line, after the failure');
  assert.match(status[0] ?? '', /2\/2 done \(1 passed, 1 failed, 0 aborted\), 0 running, 0 pending, 50s elapsed/);
  assert.doesNotMatch(stream.text, ANY_ESCAPE);
});

test('--progress on a dumb terminal falls back to status lines', async () => {
  const stream = new FakeStream({ isTTY: true });
  await feed(stream, { progress: true, env: { TERM: 'dumb' } });
  assert.match(stream.text, / STATUS {3}run: /);
  assert.doesNotMatch(stream.text, ANY_ESCAPE);
});

test('status lines also come every --status-interval seconds', async () => {
  const stream = new FakeStream({ isTTY: false });
  const run = await createRunConsole(options(stream, { progress: true, statusInterval: 0.05 }));
  run.observer.runStarted?.({ ts: T0, jobCount: 5, dbPath: '/tmp/run.sqlite', trackingDir: '/tmp' });
  const deadline = Date.now() + 30_000;
  while (stream.text.split('STATUS').length - 1 < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  run.close();
  assert.ok(stream.text.split('STATUS').length - 1 >= 2, stream.text);
  assert.match(stream.text, /0\/5 done .* 5 pending/);
});

test('NO_COLOR on a terminal: the panel draws, but no colour code appears', async () => {
  const stream = new FakeStream({ isTTY: true });
  await feed(stream, { progress: true, env: { NO_COLOR: '1', TERM: 'xterm' } });
  assert.match(stream.text, /\u001b\[\?25l/, 'the live panel was used');
  assert.doesNotMatch(stream.text, SGR);
});

test('colour on a terminal by default, off with --no-color', async () => {
  const on = new FakeStream({ isTTY: true });
  await feed(on, { env: { TERM: 'xterm' } });
  assert.match(on.text, SGR);
  const off = new FakeStream({ isTTY: true });
  await feed(off, { color: false, env: { TERM: 'xterm' } });
  assert.doesNotMatch(off.text, ANY_ESCAPE);
});
