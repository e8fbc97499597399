// The cocotb parser: cocotb cannot set the simulator's exit code, so after the job its
// results.xml decides; a failing test fails the job, and so does a file the job did not write.
import assert from 'node:assert/strict';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gator, openDb, tempDir, writeSpec } from '../helpers/cli.js';

const results = (cases: string): string =>
  `<?xml version='1.0' encoding='utf-8'?>\n<testsuites name="results"><testsuite name="all" package="all">${cases}</testsuite></testsuites>`;
const PASS = '<testcase name="test_count" classname="test_counter" time="0.02" />';
const FAIL = '<testcase name="test_reset" classname="test_counter" time="0.01"><failure message="Test failed with COCOTB_RANDOM_SEED=1734207" /></testcase>';

describe('parsers: [cocotb]', () => {
  it('fails a job whose results.xml lists a failing test, though it exited 0', async () => {
    const dir = tempDir();
    const cwd = (name: string): string => {
      const path = join(dir, name);
      mkdirSync(path);
      return path;
    };
    const [failing, passing, missing, stale, named] = ['failing', 'passing', 'missing', 'stale', 'named'].map(cwd) as [string, string, string, string, string];
    writeFileSync(join(failing, 'template.xml'), results(FAIL + PASS));
    writeFileSync(join(passing, 'template.xml'), results(PASS));
    writeFileSync(join(named, 'template.xml'), results(PASS));
    writeFileSync(join(stale, 'results.xml'), results(PASS));
    const old = new Date(Date.now() - 3600_000);
    utimesSync(join(stale, 'results.xml'), old, old);
    const sim = (copyTo: string): string =>
      `[-c, 'echo "     0.00ns INFO     cocotb.regression                  running test_counter.test_reset (1/2)"; ${copyTo}']`;
    const spec = writeSpec(
      dir,
      'cocotb.yaml',
      `!JobGroup
  id: tb
  parsers: [cocotb]
  jobs:
    - !Job { id: failing, cwd: ${failing}, command: sh, args: ${sim('cp template.xml results.xml')} }
    - !Job { id: passing, cwd: ${passing}, command: sh, args: ${sim('cp template.xml results.xml')} }
    - !Job { id: missing, cwd: ${missing}, command: sh, args: ${sim('true')} }
    - !Job { id: stale, cwd: ${stale}, command: sh, args: ${sim('true')} }
    - !Job { id: named, cwd: ${named}, command: sh, args: ${sim('cp template.xml out.xml')}, env: { COCOTB_RESULTS_FILE: out.xml } }
`,
    );
    const result = await gator(['run', spec, '--tracking', join(dir, 'run'), '--quiet']);
    assert.equal(result.code, 1, result.stderr);
    const db = openDb(join(dir, 'run', 'run.sqlite'));
    try {
      const jobs = Object.fromEntries(
        (
          db.prepare("SELECT ident, result, failure, failure_detail FROM jobs WHERE kind = 'job'").all() as {
            ident: string;
            result: string;
            failure: string | null;
            failure_detail: string | null;
          }[]
        ).map((j) => [j.ident, j]),
      );
      assert.deepEqual([jobs['failing']?.result, jobs['failing']?.failure], ['failure', 'test-results']);
      assert.equal(jobs['failing']?.failure_detail, `1 of 2 cocotb tests failed (${join(failing, 'results.xml')}): test_counter.test_reset`);
      assert.deepEqual([jobs['passing']?.result, jobs['named']?.result], ['success', 'success']);
      assert.deepEqual([jobs['missing']?.failure, jobs['stale']?.failure], ['test-results', 'test-results']);
      assert.match(jobs['missing']?.failure_detail ?? '', /^no cocotb results file at .*missing\/results\.xml/);
      assert.match(jobs['stale']?.failure_detail ?? '', /is older than this job: it was not written by it$/);
      assert.equal(
        db.prepare("SELECT text FROM messages WHERE job_path = 'tb.failing' AND severity = 'ERROR'").pluck().get(),
        'cocotb test test_counter.test_reset failed: Test failed with COCOTB_RANDOM_SEED=1734207',
      );
      assert.deepEqual(db.prepare("SELECT name, value, source FROM metric_values WHERE job_path = 'tb.failing' ORDER BY name").all(), [
        { name: 'cocotb_failed', value: 1, source: 'runtime' },
        { name: 'cocotb_passed', value: 1, source: 'runtime' },
        { name: 'cocotb_skipped', value: 0, source: 'runtime' },
        { name: 'cocotb_tests', value: 2, source: 'runtime' },
      ]);
    } finally {
      db.close();
    }
    assert.match(result.stdout, /1 of 2 cocotb tests failed/);
  });
});
