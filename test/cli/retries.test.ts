// Retries end to end: a job that fails twice then passes, every attempt's lines kept with its
// number, flaky marked; retry_on honoured (exit codes, output, and no retry of a plain exit 1
// by default).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gator, openDb, pathWithGator, tempDir, writeSpec } from '../helpers/cli.js';

const dir = tempDir('gator-cli-retries-');
after(() => rmSync(dir, { recursive: true, force: true }));

/** A job that fails until its `n`-th attempt, counting attempts in a file of its own. */
const flaky = (id: string, passOn: number, fail: string, extra = ''): string =>
  `  - !Job {id: ${id}, ${extra}command: sh, args: [-c, 'n=$$(cat ${id}.count 2>/dev/null || echo 0); n=$$((n+1)); echo $$n > ${id}.count; echo "${id} attempt $$n"; [ $$n -ge ${passOn} ] || { ${fail}; }']}`;

describe('retries', () => {
  const spec = writeSpec(
    dir,
    'retries.yaml',
    [
      '!JobGroup',
      '  id: top',
      '  jobs:',
      flaky('twice', 3, 'exit 1', 'retries: 3, retry_on: [exit:1], '),
      flaky('plain', 2, 'exit 1', 'retries: 3, '),
      flaky('killed', 2, 'kill -9 $$$$', 'retries: 1, '),
      flaky('licence', 2, 'echo "Error: License checkout failed for VCS" >&2; exit 7', "retries: 2, retry_on: ['output:License checkout failed'], "),
      flaky('never', 99, 'exit 4', 'retries: 2, retry_on: [exit:4], '),
      '',
    ].join('\n'),
  );
  const tracking = join(dir, 'tracking', 'one');
  const q = <T>(sql: string, ...params: unknown[]): T[] => {
    const db = openDb(join(tracking, 'run.sqlite'));
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  };

  it("ends a job that failed twice and then passed with retries: 3 as success, flaky, with all three attempts' lines", async () => {
    const run = await gator(['run', spec, '--quiet', '--tracking', tracking], { cwd: dir });
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(q("SELECT result, attempt, flaky, retries, retry_on FROM jobs WHERE path = 'top.twice'"), [
      { result: 'success', attempt: 3, flaky: 1, retries: 3, retry_on: '["exit:1"]' },
    ]);
    assert.deepEqual(
      q("SELECT attempt, text FROM messages WHERE job_path = 'top.twice' AND stream = 'stdout' ORDER BY id"),
      [1, 2, 3].map((n) => ({ attempt: n, text: `twice attempt ${n}` })),
    );
    assert.deepEqual(q("SELECT attempt, result, failure, exit_code, final FROM attempts WHERE job_path = 'top.twice' ORDER BY attempt"), [
      { attempt: 1, result: 'failure', failure: 'exit', exit_code: 1, final: 0 },
      { attempt: 2, result: 'failure', failure: 'exit', exit_code: 1, final: 0 },
      { attempt: 3, result: 'success', failure: null, exit_code: 0, final: 1 },
    ]);
    const notes = q<{ text: string }>("SELECT text FROM messages WHERE job_path = 'top.twice' AND stream = 'runtime' ORDER BY id").map((r) => r.text);
    assert.deepEqual(notes, [
      'attempt 1 failed (exit code 1); retrying: attempt 2 of 4 (retry_on: exit:1)',
      'attempt 2 failed (exit code 1); retrying: attempt 3 of 4 (retry_on: exit:1)',
    ]);
  });

  it('does not retry a plain exit 1 by default, but retries a job killed by a signal', () => {
    assert.deepEqual(q("SELECT result, failure, attempt FROM jobs WHERE path = 'top.plain'"), [{ result: 'failure', failure: 'exit', attempt: 1 }]);
    assert.deepEqual(q("SELECT result, attempt, flaky FROM jobs WHERE path = 'top.killed'"), [{ result: 'success', attempt: 2, flaky: 1 }]);
  });

  it("retries on a line of output, and gives up after the last retry with the last attempt's result", () => {
    assert.deepEqual(q("SELECT result, attempt FROM jobs WHERE path = 'top.licence'"), [{ result: 'success', attempt: 2 }]);
    assert.deepEqual(q("SELECT result, failure, exit_code, attempt, flaky FROM jobs WHERE path = 'top.never'"), [
      { result: 'failure', failure: 'exit', exit_code: 4, attempt: 3, flaky: 0 },
    ]);
    assert.equal(q("SELECT * FROM attempts WHERE job_path = 'top.never'").length, 3);
  });

  it('marks flaky jobs in the report', async () => {
    const report = await gator(['report', tracking, '--no-color'], { cwd: dir });
    assert.match(
      report.stdout,
      /3 jobs passed only after a retry \(flaky\):\n {2}top\.twice \(attempt 3\)\n {2}top\.killed \(attempt 2\)\n {2}top\.licence \(attempt 2\)/,
    );
  });
});

describe('a retried job and its API endpoint', () => {
  it('gives each attempt an endpoint of its own, and judges each attempt by its own fail and pass patterns', async () => {
    const spec = writeSpec(
      dir,
      'api-retry.yaml',
      `!Job
  id: api
  retries: 2
  retry_on: [any]
  fail_patterns: ['^TEST FAILED']
  pass_patterns: ['^TEST PASSED$$']
  command: sh
  args: [-c, 'n=$$(cat api.count 2>/dev/null || echo 0); n=$$((n+1)); echo $$n > api.count; gator log -s warning "attempt $$n" && gator metric tries $$n && if [ $$n -lt 2 ]; then echo TEST FAILED; else echo TEST PASSED; fi']
`,
    );
    const tracking = join(dir, 'tracking', 'api');
    const run = await gator(['run', spec, '--quiet', '--tracking', tracking], { cwd: dir, env: { PATH: pathWithGator() } });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const db = openDb(join(tracking, 'run.sqlite'));
    try {
      assert.deepEqual(db.prepare("SELECT result, failure, attempt, flaky FROM jobs WHERE path = 'api'").all(), [
        { result: 'success', failure: null, attempt: 2, flaky: 1 },
      ]);
      assert.deepEqual(db.prepare("SELECT attempt, text FROM messages WHERE stream = 'api' ORDER BY id").all(), [
        { attempt: 1, text: 'attempt 1' },
        { attempt: 2, text: 'attempt 2' },
      ]);
      assert.deepEqual(db.prepare("SELECT attempt, failure FROM attempts WHERE job_path = 'api' ORDER BY attempt").all(), [
        { attempt: 1, failure: 'fail-pattern' },
        { attempt: 2, failure: null },
      ]);
      assert.equal(db.prepare("SELECT count(*) FROM messages WHERE stream = 'stderr'").pluck().get(), 0, 'no client failed to reach its endpoint');
    } finally {
      db.close();
    }
  });

  it("reports a job that failed on every attempt by its last attempt's first error", async () => {
    const spec = writeSpec(
      dir,
      'last-error.yaml',
      `!Job
  id: twice
  retries: 1
  retry_on: [any]
  command: sh
  args: [-c, 'n=$$(cat twice.count 2>/dev/null || echo 0); n=$$((n+1)); echo $$n > twice.count; if [ $$n = 1 ]; then echo "licence server down" >&2; else echo "scoreboard mismatch" >&2; fi; exit 1']
`,
    );
    const tracking = join(dir, 'tracking', 'last-error');
    const run = await gator(['run', spec, '--quiet', '--tracking', tracking], { cwd: dir });
    assert.equal(run.code, 1, run.stderr);
    const report = await gator(['report', tracking, '--no-color'], { cwd: dir });
    assert.match(report.stdout, /1 job failed with `scoreboard mismatch`/);
    const tree = await gator(['report', tracking, '--json', '-'], { cwd: dir });
    const json = JSON.parse(tree.stdout) as { root: { path: string; firstError?: string | null } };
    assert.equal(json.root.firstError, 'scoreboard mismatch', tree.stdout);
  });
});
