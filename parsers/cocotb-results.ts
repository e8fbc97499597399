// cocotb's results.xml (JUnit XML, written by its xunit reporter) read into pass/fail per test.
// cocotb cannot make the simulator exit non-zero, so this file is the only place a failing test
// shows (cocotb's own Makefile fails on any <failure> or <error> in it, and so do we). A small
// scanner rather than an XML library: the file is machine-written and only testcase elements
// and their failure/error/skipped children matter.

export type TestOutcome = 'passed' | 'failed' | 'skipped';

export interface TestCaseResult {
  readonly name: string;
  readonly classname: string;
  readonly outcome: TestOutcome;
  /** The failure's or error's message attribute, when there is one. */
  readonly message: string | null;
}

export class ResultsFormatError extends Error {
  override readonly name = 'ResultsFormatError';
}

const TOKEN =
  /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<![A-Za-z][^>]*>|<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const ENTITY = /&(?:#x([0-9a-fA-F]+)|#(\d+)|(lt|gt|amp|quot|apos));/g;
const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

const unescape = (text: string): string =>
  text.replace(ENTITY, (whole, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (name !== undefined) return NAMED[name] ?? whole;
    const code = hex !== undefined ? parseInt(hex, 16) : Number(dec);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });

const attributes = (text: string): Map<string, string> => {
  const out = new Map<string, string>();
  for (const m of text.matchAll(ATTRIBUTE)) out.set(m[1] ?? '', unescape(m[2] ?? m[3] ?? ''));
  return out;
};

/** Every test case of a JUnit XML document; throws ResultsFormatError when it is not one. */
export function readTestResults(xml: string): TestCaseResult[] {
  const results: TestCaseResult[] = [];
  let sawSuite = false;
  let current: { name: string; classname: string; outcome: TestOutcome; message: string | null } | null = null;
  for (const m of xml.matchAll(TOKEN)) {
    const tag = m[2];
    if (tag === undefined) continue; // comment, CDATA, declaration
    const closing = m[1] === '/';
    const selfClosing = m[4] === '/';
    if (tag === 'testsuites' || tag === 'testsuite') {
      sawSuite = true;
      continue;
    }
    if (tag === 'testcase') {
      if (closing) {
        if (current !== null) results.push(current);
        current = null;
        continue;
      }
      if (current !== null) results.push(current); // an unclosed case before this one
      const attrs = attributes(m[3] ?? '');
      current = { name: attrs.get('name') ?? '', classname: attrs.get('classname') ?? '', outcome: 'passed', message: null };
      if (selfClosing) {
        results.push(current);
        current = null;
      }
      continue;
    }
    if (current === null || closing) continue;
    if (tag === 'failure' || tag === 'error') {
      current.outcome = 'failed';
      current.message ??= attributes(m[3] ?? '').get('message') ?? null;
    } else if (tag === 'skipped' && current.outcome === 'passed') {
      current.outcome = 'skipped';
    }
  }
  if (current !== null) results.push(current);
  if (!sawSuite) throw new ResultsFormatError('not a JUnit XML results file (no <testsuites> or <testsuite> element)');
  return results;
}
