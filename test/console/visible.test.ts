import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clock, formatEventLine, formatMessageLine } from '../../console/line-format.js';
import { visible } from '../../console/visible.js';

const ESC_OR_C1 = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;

test('control characters become visible symbols, never raw bytes', () => {
  assert.equal(visible('\u001b[31mred\u001b[0m'), '␛[31mred␛[0m');
  assert.equal(visible('50%\r100%'), '50%␍100%');
  assert.equal(visible('bell\u0007 nul\u0000 del\u007f'), 'bell␇ nul␀ del␡');
  assert.equal(visible('csi\u009b2J'), 'csi\\x9b2J');
  assert.equal(visible('a\tb'), 'a\tb');
  assert.equal(visible('a\tb', { tabs: 'space' }), 'a b');
  assert.equal(visible('plain text ünïcode 漢字'), 'plain text ünïcode 漢字');
});

test('message lines without colour carry no escape sequence, whatever the job printed', () => {
  const line = formatMessageLine(
    { ts: 1_700_000_000, severity: 'ERROR', path: 'top.a\u001b[2J', text: '\u001b]0;title\u0007\u001b[?25l hidden cursor' },
    { color: false },
  );
  assert.doesNotMatch(line, ESC_OR_C1);
  assert.match(line, new RegExp(`^${clock(1_700_000_000)} ERROR    top\\.a␛\\[2J: ␛\\]0;title␇␛\\[\\?25l hidden cursor$`));
});

test('with colour only our own SGR codes appear; the job text stays inert', () => {
  const line = formatMessageLine({ ts: 0, severity: 'WARNING', path: 'top.a', text: '\u001b[?25l' }, { color: true });
  const ours = line.replace(/\u001b\[[0-9;]*m/g, '');
  assert.doesNotMatch(ours, /\u001b/);
  assert.match(ours, /␛\[\?25l$/);
});

test('event lines share the message columns', () => {
  const event = formatEventLine({ ts: 0, tag: 'PASS', path: 'top.a', text: 'passed in 1.00s' }, { color: false });
  const message = formatMessageLine({ ts: 0, severity: 'INFO', path: 'top.a', text: 'passed in 1.00s' }, { color: false });
  assert.equal(event.indexOf('top.a'), message.indexOf('top.a'));
});
