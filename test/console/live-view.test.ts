// One write per frame (erase, lines, panel), re-fitting on resize, and the terminal given back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiveView } from '../../console/live-view.js';
import { FakeStream } from '../helpers/console/fake-stream.js';

const BSU = '\u001b[?2026h';
const ESU = '\u001b[?2026l';
const HIDE = '\u001b[?25l';
const SHOW = '\u001b[?25h';
/** Erase `rows` rows bottom-up, ending in column 1 of the top one (ansi-escapes' eraseLines). */
const erase = (rows: number): string => `${'\u001b[2K\u001b[1A'.repeat(rows - 1)}\u001b[2K\u001b[G`;

const panelOf = (width: number): string[] => ['x'.repeat(width - 1), 'y'.repeat(width - 1), 'z'];

test('a frame is one write: erase the old panel, the queued lines, the new panel', () => {
  const stream = new FakeStream({ isTTY: true, columns: 80, rows: 24 });
  const view = new LiveView({ stream: stream.asStream, render: (w) => panelOf(w), fps: 1 });
  view.start();
  assert.equal(stream.writes[0], HIDE);
  const writes = stream.writes.length;
  view.line('first log line');
  view.line('second log line');
  assert.equal(stream.writes.length, writes, 'lines wait for the frame');
  view.frame();
  assert.equal(stream.writes.length, writes + 1);
  const out = stream.writes.at(-1) ?? '';
  assert.equal(out, `${BSU}${erase(3)}` + 'first log line\nsecond log line\n' + `\u001b[?7l${panelOf(80).join('\n')}\u001b[?7h${ESU}`);
  view.frame();
  assert.equal(stream.writes.length, writes + 1, 'nothing changed: no write');
  view.stop();
  view.stop();
  const last = stream.writes.at(-1) ?? '';
  assert.ok(last.startsWith(`${BSU}${erase(3)}`), JSON.stringify(last));
  assert.ok(last.endsWith(`${ESU}\u001b[?7h${SHOW}`));
  assert.equal(stream.text.split(HIDE).length, stream.text.split(SHOW).length, 'every hide is matched by a show');
  assert.equal(stream.listenerCount('resize'), 0);
});

test('a narrower terminal: the erase counts re-wrapped rows and the new panel fits', () => {
  const stream = new FakeStream({ isTTY: true, columns: 80, rows: 24 });
  const view = new LiveView({ stream: stream.asStream, render: (w) => panelOf(w), fps: 1 });
  view.start();
  stream.resize(40, 24);
  const out = stream.writes.at(-1) ?? '';
  // 79 cells at 40 columns fill 2 rows each, plus 'z': 5 rows.
  assert.ok(out.startsWith(`${BSU}${erase(5)}\u001b[?7lx`), JSON.stringify(out.slice(0, 60)));
  assert.ok(out.includes(`${'x'.repeat(39)}\n`));
  view.stop();
});

test('a resize the process has not heard of yet: the frame asks the terminal its width', () => {
  const stream = new FakeStream({ isTTY: true, columns: 80, rows: 24 });
  const view = new LiveView({ stream: stream.asStream, render: (w) => panelOf(w), fps: 1 });
  view.start();
  // The terminal is 40 columns now and has re-wrapped the panel; SIGWINCH is still on its way.
  stream.resizeUnannounced(40, 24);
  view.line('a log line');
  view.frame();
  const out = stream.writes.at(-1) ?? '';
  assert.ok(out.startsWith(`${BSU}${erase(5)}a log line\n\u001b[?7lx`), JSON.stringify(out.slice(0, 80)));
  view.stop();
});

test('a flood of lines is written without waiting for the next tick', () => {
  const stream = new FakeStream({ isTTY: true, columns: 80, rows: 24 });
  const view = new LiveView({ stream: stream.asStream, render: () => ['panel'], fps: 1 });
  view.start();
  const before = view.frames;
  for (let i = 0; i < 5000; i += 1) view.line(`line ${i} ${'.'.repeat(40)}`);
  assert.ok(view.frames > before);
  view.stop();
  const lines = stream.text.split('\n').filter((l) => l.includes('line '));
  assert.equal(lines.length, 5000);
});
