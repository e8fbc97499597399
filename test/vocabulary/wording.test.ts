// The wording module: failure text, aborted text, shell quoting, error signatures, replay commands.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FAILURE_KINDS } from '../../vocabulary/codes.js';
import { describeAborted, describeFailure, displayCommand, errorSignature, failureKindOf, replayCommand, shellQuote } from '../../vocabulary/wording.js';

test('error signatures ignore numbers and hex so seeds share a bucket', () => {
  assert.equal(errorSignature('fifo overflow at cycle 1234 addr 0x7f3a'), errorSignature('fifo overflow at cycle 9 addr 0xBEEF'));
  assert.equal(errorSignature('hash deadbeef12 mismatch'), 'hash <hex> mismatch');
  assert.equal(errorSignature('took 1.5e3 ms'), 'took <n> ms');
  assert.notEqual(errorSignature('fifo overflow'), errorSignature('fifo underflow'));
  assert.equal(errorSignature('deadbeef words stay'), 'deadbeef words stay');
});

test('replay commands quote what the shell would split', () => {
  assert.equal(replayCommand('/x/run.sqlite', 'top.a', '/y'), 'gator replay /x/run.sqlite --job top.a');
  assert.equal(replayCommand('/y/t/run.sqlite', 'top.a', '/y'), 'gator replay t/run.sqlite --job top.a');
  assert.equal(replayCommand("/my runs/it's.sqlite", 'top.a', '/y'), `gator replay '/my runs/it'\\''s.sqlite' --job top.a`);
});

test('every failure kind has its own words, and a row without a kind is described by its facts', () => {
  const texts = FAILURE_KINDS.map((failure) => describeFailure({ failure, exitCode: 2, signal: 'SIGSEGV', errors: 3, warnings: 4, criticals: 1 }));
  assert.equal(new Set(texts).size, FAILURE_KINDS.length);
  assert.equal(describeFailure({ failure: 'error-count', exitCode: 0, signal: null, errors: 1 }), '1 ERROR line over the limit');
  assert.equal(describeFailure({ failure: null, exitCode: null, signal: 'SIGKILL' }), 'killed by SIGKILL');
  assert.equal(describeFailure({ failure: null, exitCode: 3, signal: null }), 'exit code 3');
  assert.equal(failureKindOf({ failure: null, exitCode: 0, signal: null, errors: 2 }), 'error-count');
});

test('aborted reads the same for one job and names the jobs of a pruned group', () => {
  assert.equal(describeAborted('job', 1), 'aborted: a dependency did not go the required way');
  assert.equal(describeAborted('array', 4), 'aborted with its 4 jobs: a dependency did not go the required way');
});

test('commands are shown as a shell would take them back', () => {
  assert.equal(shellQuote('plain-word_1.2/x'), 'plain-word_1.2/x');
  assert.equal(displayCommand('sh', ['-c', "echo 'hi' $X"]), `sh -c 'echo '\\''hi'\\'' $X'`);
});
