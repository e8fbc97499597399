// The classifier that applies a job's parsers and patterns to its lines as they arrive.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_LINE_RULES, LineClassifier, classifiesLines, patternProblem, type LineRules } from '../../parsers/index.js';
import { Severity } from '../../vocabulary/codes.js';

const rules = (over: Partial<LineRules>): LineRules => ({ ...DEFAULT_LINE_RULES, ...over });
const { DEBUG, INFO, WARNING, ERROR, CRITICAL } = Severity;

describe('LineClassifier', () => {
  it('parsers re-classify stdout and stderr lines; unparsed lines keep their stream default', () => {
    const metrics: [string, number][] = [];
    const c = new LineClassifier(rules({ parsers: ['uvm'] }), (name, value) => metrics.push([name, value]));
    assert.equal(c.output(0, 'UVM_ERROR @ 10: env [CHK] bad', INFO), ERROR);
    assert.equal(c.output(0, 'UVM_FATAL @ 10: env [X] dead', INFO), CRITICAL);
    assert.equal(c.output(0, 'UVM_WARNING @ 10: env [X] hmm', INFO), WARNING);
    assert.equal(c.output(0, 'plain', INFO), INFO);
    assert.equal(c.output(1, 'plain on stderr', ERROR), ERROR);
    assert.equal(c.output(1, 'UVM_INFO @ 0: env [X] on stderr', ERROR), INFO);
    c.output(0, '--- UVM Report Summary ---', INFO);
    assert.equal(c.output(0, 'UVM_ERROR :    1', INFO), INFO);
    assert.deepEqual(metrics, [['uvm_error', 1]]);
  });

  it('keeps separate parser state per stream', () => {
    const c = new LineClassifier(rules({ parsers: ['python'] }), () => undefined);
    assert.equal(c.output(1, 'Traceback (most recent call last):', ERROR), INFO);
    // stdout output in the middle of a stderr traceback does not end it.
    assert.equal(c.output(0, 'progress 50%', INFO), INFO);
    assert.equal(c.output(1, '  File "x.py", line 1, in <module>', ERROR), INFO);
    assert.equal(c.output(1, 'KeyError: 3', ERROR), ERROR);
  });

  it('the first parser in spec order that recognises a line wins, and every parser sees every line', () => {
    const c = new LineClassifier(rules({ parsers: ['make', 'gcc', 'python'] }), () => undefined);
    assert.equal(c.output(1, 'make: *** [Makefile:3: all] Error 1', ERROR), ERROR);
    assert.equal(c.output(1, 'a.c:3:5: warning: unused', ERROR), WARNING);
    assert.equal(c.output(1, 'Traceback (most recent call last):', ERROR), INFO);
    assert.equal(c.output(1, '  File "a.py", line 2', ERROR), INFO);
    assert.equal(c.output(1, 'OSError: nope', ERROR), ERROR);
  });

  it('severity_patterns set a severity; ignore_patterns win over parsers and severity patterns', () => {
    const c = new LineClassifier(
      rules({
        parsers: ['uvm'],
        severityPatterns: [
          { match: '^MYCHK ERROR', severity: ERROR },
          { match: 'deprecated', severity: WARNING },
        ],
        ignorePatterns: [
          { match: '\\[RegModel\\]', severity: INFO },
          { match: '^debug:', severity: DEBUG },
        ],
      }),
      () => undefined,
    );
    assert.equal(c.output(0, 'MYCHK ERROR: 3 != 4', INFO), ERROR);
    assert.equal(c.output(1, 'this option is deprecated', ERROR), WARNING);
    assert.equal(c.output(0, 'UVM_WARNING @ 0: reg [RegModel] no backdoor', INFO), INFO);
    assert.equal(c.output(1, 'debug: x=1', ERROR), DEBUG);
    assert.equal(c.output(0, 'UVM_WARNING @ 0: env [OTHER] real', INFO), WARNING);
  });

  it('a fail pattern records its first match and raises matching lines to ERROR', () => {
    const c = new LineClassifier(
      rules({ failPatterns: ['^TEST FAILED', 'Offending'], ignorePatterns: [{ match: 'FAILED', severity: INFO }] }),
      () => undefined,
    );
    assert.equal(c.failMatch, null);
    assert.equal(c.output(0, 'ok', INFO), INFO);
    assert.equal(c.output(0, 'TEST FAILED CHECKS', INFO), ERROR);
    assert.equal(c.output(0, "  Offending 'a == b'", INFO), ERROR);
    assert.deepEqual(c.failMatch, { line: 'TEST FAILED CHECKS', pattern: '^TEST FAILED' });
    assert.equal(c.reported('TEST FAILED again', WARNING), ERROR);
    assert.deepEqual(c.failMatch, { line: 'TEST FAILED CHECKS', pattern: '^TEST FAILED' });
  });

  it('pass patterns are ticked off by any line, reported ones included', () => {
    const c = new LineClassifier(rules({ passPatterns: ['^TEST PASSED$', 'coverage: \\d+%', 'never'] }), () => undefined);
    assert.deepEqual(c.missingPass, ['^TEST PASSED$', 'coverage: \\d+%', 'never']);
    c.output(0, 'coverage: 87%', INFO);
    c.reported('TEST PASSED', INFO);
    assert.deepEqual(c.missingPass, ['never']);
  });

  it('says when rules do nothing, so plain jobs skip it', () => {
    assert.equal(classifiesLines(DEFAULT_LINE_RULES), false);
    assert.equal(classifiesLines(rules({ stderr: WARNING })), false);
    assert.equal(classifiesLines(rules({ parsers: ['uvm'] })), true);
    assert.equal(classifiesLines(rules({ passPatterns: ['x'] })), true);
  });
});

describe('patternProblem', () => {
  it('explains a bad regular expression and refuses the empty pattern', () => {
    assert.equal(patternProblem('^UVM_ERROR\\s[^:]'), undefined);
    assert.match(patternProblem('(unclosed') ?? '', /Invalid regular expression.*Unterminated group/);
    assert.match(patternProblem('') ?? '', /must not be empty/);
  });
});
