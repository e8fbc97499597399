// Patterns and limits in a real run: fail_patterns, pass_patterns, ignore_patterns and
// severity_patterns each change a verdict; a bad regex is a one-line file:line:col error; a
// per-job `limits:` and `stderr:` let a build with a warning on stderr pass while its siblings
// keep the strict default; the record says why.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gator, openDb, tempDir, writeSpec } from '../helpers/cli.js';

interface Job {
  path: string;
  result: string;
  failure: string | null;
  failure_detail: string | null;
  msg_warning: number;
  msg_error: number;
  limit_warning: number | null;
  limit_error: number | null;
  stderr_severity: string;
}

const run = async (yaml: string, extra: readonly string[] = []) => {
  const dir = tempDir();
  const spec = writeSpec(dir, 'spec.yaml', yaml);
  const tracking = join(dir, 'run');
  const result = await gator(['run', spec, '--tracking', tracking, '--quiet', ...extra], { timeoutMs: 120_000 });
  const db = openDb(join(tracking, 'run.sqlite'));
  try {
    const jobs = new Map(
      (
        db
          .prepare(
            `SELECT path, result, failure, failure_detail, msg_warning, msg_error, limit_warning, limit_error, stderr_severity
             FROM jobs WHERE kind = 'job'`,
          )
          .all() as Job[]
      ).map((job) => [job.path.split('.').pop() ?? job.path, job]),
    );
    const severities = new Map(
      (db.prepare('SELECT text, severity FROM messages').all() as { text: string; severity: string }[]).map((m) => [m.text, m.severity]),
    );
    const severityOf = (text: string): string | undefined => severities.get(text);
    return { ...result, jobs, severityOf, spec };
  } finally {
    db.close();
  }
};

const job = (jobs: Map<string, Job>, ident: string): Job => {
  const found = jobs.get(ident);
  assert.ok(found !== undefined, `no job ${ident}`);
  return found;
};

describe('patterns', () => {
  it('fail_patterns: the first match fails a job that exits 0, its line is the reason', async () => {
    const { jobs, code, severityOf, stdout } = await run(`!JobGroup
  id: top
  fail_patterns: ['^TEST FAILED', '^\\*\\*\\* MYCHK']
  jobs:
    - !Job { id: bad, command: sh, args: [-c, 'echo start; echo "TEST FAILED CHECKS"; echo "TEST FAILED again"; exit 0'] }
    - !Job { id: good, command: sh, args: [-c, 'echo "TEST PASSED"'] }
    - !Job { id: plain, command: echo, args: ['TEST FAILED'], fail_patterns: {replace: []} }
`);
    assert.equal(code, 1);
    assert.deepEqual([job(jobs, 'bad').result, job(jobs, 'bad').failure, job(jobs, 'bad').failure_detail], ['failure', 'fail-pattern', 'TEST FAILED CHECKS']);
    assert.equal(severityOf('TEST FAILED CHECKS'), 'ERROR');
    assert.equal(job(jobs, 'good').result, 'success');
    assert.equal(job(jobs, 'plain').result, 'success', '{replace: []} turns the inherited patterns off');
    assert.match(stdout, /fail pattern matched: TEST FAILED CHECKS/);
  });

  it('pass_patterns: each must match at least once, or the job fails naming the missing one', async () => {
    const { jobs, code } = await run(`!JobGroup
  id: top
  pass_patterns: ['^TEST PASSED$']
  jobs:
    - !Job { id: passes, command: sh, args: [-c, 'echo "TEST PASSED"'] }
    - !Job { id: silent, command: sh, args: [-c, 'echo "nothing to say"'] }
    - !Job { id: both, command: sh, args: [-c, 'echo "TEST PASSED"'], pass_patterns: ['coverage: \\d+%'] }
`);
    assert.equal(code, 1);
    assert.equal(job(jobs, 'passes').result, 'success');
    assert.deepEqual([job(jobs, 'silent').failure, job(jobs, 'silent').failure_detail], ['pass-pattern', '/^TEST PASSED$/']);
    assert.deepEqual([job(jobs, 'both').failure, job(jobs, 'both').failure_detail], ['pass-pattern', '/coverage: \\d+%/'], 'lists concatenate down the tree');
  });

  it('ignore_patterns: a known harmless stderr line is demoted and the job passes', async () => {
    const { jobs, code, severityOf } = await run(`!JobGroup
  id: top
  jobs:
    - !Job
        id: tool
        command: sh
        args: [-c, 'echo "note: license server slow, retrying" >&2; echo "debug: x=1" >&2']
        ignore_patterns: ['^note: license server', {match: '^debug:', severity: DEBUG}]
    - !Job { id: strict, command: sh, args: [-c, 'echo "note: license server slow, retrying" >&2'] }
`);
    assert.equal(code, 1);
    assert.equal(job(jobs, 'tool').result, 'success');
    assert.equal(severityOf('debug: x=1'), 'DEBUG');
    assert.deepEqual([job(jobs, 'strict').result, job(jobs, 'strict').failure], ['failure', 'error-count']);
  });

  it('severity_patterns: a line on stdout mapped to ERROR fails the job', async () => {
    const { jobs, severityOf } = await run(`!Job
  id: chk
  command: sh
  args: [-c, 'echo "*** MYCHK ERROR: 3 != 4"; echo "lint: style"']
  severity_patterns:
    - {match: '^\\*\\*\\* MYCHK ERROR', severity: ERROR}
    - {match: '^lint:', severity: WARNING}
`);
    assert.deepEqual([job(jobs, 'chk').result, job(jobs, 'chk').failure], ['failure', 'error-count']);
    assert.equal(severityOf('lint: style'), 'WARNING');
  });

  it('a bad regular expression is one line file:line:col, exit 2, and nothing runs', async () => {
    const dir = tempDir();
    const marker = join(dir, 'ran');
    const spec = writeSpec(
      dir,
      'bad.yaml',
      `!JobGroup
  id: top
  jobs:
    - !Job
        id: sim
        command: touch
        args: [${marker}]
        fail_patterns: ['^UVM_ERROR (']
`,
    );
    const result = await gator(['run', spec, '--tracking', join(dir, 'run')]);
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      `gator: ${spec}:8:25: bad regular expression in fail_patterns: Invalid regular expression: /^UVM_ERROR (/: Unterminated group\n`,
    );
    assert.equal((await import('node:fs')).existsSync(marker), false);
  });
});

describe('limits and stderr', () => {
  it('a build with a warning on stderr passes with stderr: WARNING while its siblings keep the strict default', async () => {
    const { jobs, code } = await run(`!JobGroup
  id: top
  jobs:
    - !Job
        id: build
        command: sh
        args: [-c, 'echo "util.c:7:13: warning: unused function" >&2; echo built']
        stderr: WARNING
    - !Job { id: sibling, command: sh, args: [-c, 'echo "util.c:7:13: warning: unused function" >&2'] }
    - !Job
        id: lenient
        command: sh
        args: [-c, 'echo "one error" >&2']
        limits: {error: 1}
    - !Job
        id: capped
        command: sh
        args: [-c, 'echo w1 >&2; echo w2 >&2']
        stderr: WARNING
        limits: {warning: 1}
`);
    assert.equal(code, 1);
    const build = job(jobs, 'build');
    assert.deepEqual([build.result, build.msg_warning, build.msg_error, build.stderr_severity, build.limit_error], ['success', 1, 0, 'WARNING', 0]);
    const sibling = job(jobs, 'sibling');
    assert.deepEqual([sibling.result, sibling.failure, sibling.stderr_severity, sibling.limit_error], ['failure', 'error-count', 'ERROR', 0]);
    const lenient = job(jobs, 'lenient');
    assert.deepEqual([lenient.result, lenient.msg_error, lenient.limit_error], ['success', 1, 1]);
    const capped = job(jobs, 'capped');
    assert.deepEqual([capped.result, capped.failure, capped.limit_warning], ['failure', 'warning-count', 1]);
  });

  it('a spec limit beats the command-line default, which still applies to the rest', async () => {
    const { jobs } = await run(
      `!JobGroup
  id: top
  limits: {warning: none}
  stderr: warning
  jobs:
    - !Job { id: a, command: sh, args: [-c, 'echo w >&2; echo w >&2'] }
    - !Job { id: b, command: sh, args: [-c, 'echo w >&2'], limits: {warning: 0} }
`,
      ['--limit-warning', '0'],
    );
    assert.deepEqual([job(jobs, 'a').result, job(jobs, 'a').limit_warning], ['success', null]);
    assert.deepEqual([job(jobs, 'b').result, job(jobs, 'b').failure, job(jobs, 'b').limit_warning], ['failure', 'warning-count', 0]);
  });

  it('--limit-error none makes ERROR lines unlimited (recorded as NULL)', async () => {
    const { jobs, code } = await run(`!Job { id: loud, command: sh, args: [-c, 'echo e1 >&2; echo e2 >&2'] }`, ['--limit-error', 'none']);
    assert.equal(code, 0);
    assert.deepEqual([job(jobs, 'loud').result, job(jobs, 'loud').msg_error, job(jobs, 'loud').limit_error], ['success', 2, null]);
  });

  it('the report says which limit was broken', async () => {
    const { stdout } = await run(`!Job { id: noisy, command: sh, args: [-c, 'echo e1 >&2; echo e2 >&2; echo e3 >&2'], limits: {error: 2} }`);
    assert.match(stdout, /3 ERROR lines over the limit of 2/);
  });
});
