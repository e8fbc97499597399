// $VAR expansion: the only expansion jobs get, since commands never go through a shell.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandVars, templateProblem } from '../../spec/expand.js';

const env: Record<string, string> = { A: 'alpha', B: 'beta', EMPTY: '', N_1: 'n1' };
const x = (text: string): string => expandVars(text, (name) => env[name]);

describe('expandVars', () => {
  it('expands $NAME and ${NAME}', () => {
    assert.equal(x('$A'), 'alpha');
    assert.equal(x('${A}'), 'alpha');
    assert.equal(x('pre-$A-post'), 'pre-alpha-post');
    assert.equal(x('${A}x$B'), 'alphaxbeta');
    assert.equal(x('$N_1/$A'), 'n1/alpha');
  });

  it('expands unset names to the empty string', () => {
    assert.equal(x('[$NOPE]'), '[]');
    assert.equal(x('[${NOPE}]'), '[]');
  });

  it('uses the default of ${NAME:-default} when unset or empty', () => {
    assert.equal(x('${NOPE:-dflt}'), 'dflt');
    assert.equal(x('${EMPTY:-dflt}'), 'dflt');
    assert.equal(x('${A:-dflt}'), 'alpha');
    assert.equal(x('${NOPE:-}'), '');
    assert.equal(x('${NOPE:-$B/${A}}'), 'beta/alpha');
    assert.equal(x('${NOPE:-${NOPE2:-deep}}!'), 'deep!');
  });

  it('keeps $$ as a literal $ and a lone $ as is', () => {
    assert.equal(x('$$A'), '$A');
    assert.equal(x('$$'), '$');
    assert.equal(x('$$$A'), '$alpha');
    assert.equal(x('cost: 5$'), 'cost: 5$');
    assert.equal(x('$1 $- $ {'), '$1 $- $ {');
  });

  it('leaves text without $ untouched (same string)', () => {
    const s = 'plain text } {';
    assert.equal(x(s), s);
  });
});

describe('templateProblem', () => {
  it('accepts well-formed templates', () => {
    for (const t of ['', 'x', '$A', '${A}', '${A:-b}', '$$', '5$', '${A:-${B:-c}}']) assert.equal(templateProblem(t), undefined, t);
  });

  it('names what is wrong', () => {
    assert.match(templateProblem('${A') ?? '', /unterminated \$\{A/);
    assert.match(templateProblem('${') ?? '', /unterminated \$\{/);
    assert.match(templateProblem('${}') ?? '', /bad variable name/);
    assert.match(templateProblem('${1A}') ?? '', /bad variable name/);
    assert.match(templateProblem('${A:=b}') ?? '', /unsupported expansion/);
    assert.match(templateProblem('${A:-b') ?? '', /unterminated/);
  });
});
