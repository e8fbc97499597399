// Reading cocotb's results.xml.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readTestResults, ResultsFormatError } from '../../parsers/index.js';

describe('readTestResults', () => {
  it('reads each test case of cocotb results.xml with its outcome and message', () => {
    const results = readTestResults(readFileSync(join('test', 'fixtures', 'logs', 'cocotb-results-fail.xml'), 'utf8'));
    assert.deepEqual(results, [
      { name: 'test_reset', classname: 'test_counter', outcome: 'failed', message: 'Test failed with COCOTB_RANDOM_SEED=1734207' },
      { name: 'test_count', classname: 'test_counter', outcome: 'passed', message: null },
      { name: 'test_later', classname: 'test_counter', outcome: 'skipped', message: null },
      { name: 'test_err & more', classname: 'test_counter', outcome: 'failed', message: "KeyError: 'x'" },
    ]);
  });

  it('reads indented documents with CDATA and comments', () => {
    const xml = `<?xml version="1.0"?>
<!-- written by hand -->
<testsuites>
  <testsuite name="all">
    <testcase name="a" classname="m">
      <system-out><![CDATA[<failure> in text is not a failure]]></system-out>
    </testcase>
    <testcase name="b" classname="m">
      <failure message="boom">trace</failure>
    </testcase>
  </testsuite>
</testsuites>`;
    assert.deepEqual(
      readTestResults(xml).map((r) => `${r.name}:${r.outcome}`),
      ['a:passed', 'b:failed'],
    );
  });

  it('refuses what is not a results file', () => {
    assert.throws(() => readTestResults('not xml at all'), ResultsFormatError);
    assert.throws(() => readTestResults('<html><body/></html>'), ResultsFormatError);
  });
});
