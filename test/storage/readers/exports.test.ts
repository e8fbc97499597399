import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { assertValidJunit } from '../../helpers/junit-schema.js';
import { exportJoblog, JOBLOG_HEADER } from '../../../storage/readers/export-joblog.js';
import { exportJson, type JsonNode } from '../../../storage/readers/export-json.js';
import { exportJunit, xmlAttr, xmlText } from '../../../storage/readers/export-junit.js';
import { readJobs } from '../../../storage/readers/jobs.js';
import { runEndTime, runStatus } from '../../../storage/readers/liveness.js';
import { openRun } from '../../../storage/readers/open-run.js';
import { readRun } from '../../../storage/readers/run-info.js';
import { makeStandardRun, RunDbBuilder, tempDir, type RunVariant } from '../../helpers/make-run-db.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));

const exportsOf = (file: string, outputLines = 50) => {
  const run = openRun(file);
  try {
    const info = readRun(run.db);
    const status = runStatus(info);
    const endTime = runEndTime(info, status);
    const jobs = readJobs(run.db);
    const options = { dbPath: run.dbPath, run: info, status, endTime };
    return {
      jobs,
      status,
      junit: exportJunit(run.db, jobs, { ...options, outputLines }),
      json: exportJson(run.db, jobs, options),
      joblog: exportJoblog(jobs, endTime),
    };
  } finally {
    run.close();
  }
};

/** `<testcase …>` elements with their attributes and body, parsed just enough for the checks. */
const testcases = (xml: string): { name: string; classname: string; body: string }[] =>
  [...xml.matchAll(/<testcase name="([^"]*)" classname="([^"]*)" time="[^"]*"(?:\/>|>([\s\S]*?)<\/testcase>)/g)].map((m) => ({
    name: m[1] as string,
    classname: m[2] as string,
    body: m[3] ?? '',
  }));

describe('exportJunit', () => {
  for (const variant of ['finished', 'cut-off', 'live'] as RunVariant[]) {
    it(`validates against the JUnit schema with one uniquely named testcase per job (${variant})`, async () => {
      const file = join(dir, `${variant}.sqlite`);
      const run = makeStandardRun(file, variant);
      const { junit } = exportsOf(file);
      await assertValidJunit(junit, variant);
      const cases = testcases(junit);
      assert.equal(cases.length, run.leafPaths.length);
      assert.deepEqual(cases.map((c) => `${c.classname}.${c.name}`).sort(), [...run.leafPaths].sort());
      const keys = cases.map((c) => `${c.classname} ${c.name}`);
      assert.equal(new Set(keys).size, keys.length);
      const suites = [...junit.matchAll(/<testsuite name="([^"]*)"/g)].map((m) => m[1]);
      assert.deepEqual(suites, ['top', 'top.sims', 'top.lint']);
    });
  }

  it('reports failures with their first error line, aborted jobs as skipped', () => {
    const { junit } = exportsOf(join(dir, 'finished.sqlite'));
    const sim2 = testcases(junit).find((c) => c.name === 'sim_2');
    assert.match(
      sim2?.body ?? '',
      /<failure message="assertion failed: scoreboard mismatch at cycle 2000 &lt;exp=0x1&amp;got=0x2&gt;" type="exit">exit code 1/,
    );
    assert.doesNotMatch(sim2?.body ?? '', /second error"/);
    const post = testcases(junit).find((c) => c.name === 'post');
    assert.match(post?.body ?? '', /<skipped message="aborted/);
    assert.equal((junit.match(/<failure /g) ?? []).length, 3);
    assert.match(junit, /<testsuites [^>]*tests="12" failures="3" errors="0"/);
  });

  it('shows jobs cut off by a killed runner as errors, never as passed', () => {
    const { junit } = exportsOf(join(dir, 'cut-off.sqlite'));
    for (const name of ['sim_4', 'sim_7']) {
      const body = testcases(junit).find((c) => c.name === name)?.body ?? '';
      assert.match(body, /<error message="[^"]*" type="cut-off">/, name);
    }
    const pending = testcases(junit).find((c) => c.name === 'sim_5')?.body ?? '';
    assert.match(pending, /<skipped message="never started: the run was cut off"/);
  });

  it('keeps the last lines of output with a pointer to the rest', () => {
    const { junit } = exportsOf(join(dir, 'finished.sqlite'), 5);
    const sim2 = testcases(junit).find((c) => c.name === 'sim_2')?.body ?? '';
    const out = sim2.match(/<system-out>([\s\S]*)<\/system-out>/)?.[1] ?? '';
    const lines = out.split('\n');
    assert.match(lines[0] ?? '', /^… 59 earlier lines: gator replay \S+ --job top\.sims\.sim_2$/);
    assert.equal(lines.length, 6);
    assert.equal(lines.at(-1), 'second error');
  });

  it('strips colour codes and characters XML cannot carry, and escapes the rest', async () => {
    assert.equal(xmlText('a\u001b[31mred\u001b[0m & <b>\u0001\u0000\uFFFE\uD800'), 'ared &amp; &lt;b&gt;');
    assert.equal(xmlAttr('say "hi"\n\tnow'), 'say &quot;hi&quot;&#10;&#9;now');
    const file = join(dir, 'nasty.sqlite');
    const b = new RunDbBuilder(file, { id: 'nasty', specPath: '/x.yaml', startedAt: 0 });
    const top = b.group(null, 'top');
    const job = b.job(top, 'a&b', { state: 'complete', result: 'failure', failure: 'error-count', exitCode: 0, startedAt: 0, endedAt: 1 });
    b.messages(job, [{ ts: 0.5, severity: 'ERROR', text: 'bad \u0000 byte \u001b[1m <![CDATA[ ]]> "quoted"' }]);
    b.finish(1, 'failure', 1);
    b.close();
    const { junit } = exportsOf(file);
    await assertValidJunit(junit, 'nasty');
    assert.match(junit, /type="error-count"/);
  });
});

describe('exportJson', () => {
  it('nests the tree with shown results, durations, peaks and message counts', () => {
    const { json } = exportsOf(join(dir, 'finished.sqlite'));
    assert.equal(json.run.status, 'done');
    assert.equal(json.run.result, 'failure');
    assert.equal(json.run.exitCode, 1);
    assert.deepEqual(json.tally, { total: 12, passed: 8, failed: 3, aborted: 1, cutOff: 0, unfinished: 0 });
    const root = json.root as JsonNode;
    assert.deepEqual(
      root.children?.map((c) => c.ident),
      ['build', 'sims', 'lint', 'post'],
    );
    const sims = root.children?.[1] as JsonNode;
    assert.equal(sims.kind, 'array');
    assert.equal(sims.children?.length, 8);
    const sim2 = sims.children?.[2] as JsonNode;
    assert.equal(sim2.result, 'failure');
    assert.equal(sim2.failure, 'exit');
    assert.equal(sim2.exitCode, 1);
    assert.match(sim2.firstError ?? '', /^assertion failed/);
    assert.equal(sim2.duration, 12);
    assert.equal(sim2.messages.error, 2);
    assert.equal(sims.messages.error, 6, "a group sums its jobs' counts");
    assert.equal(sims.rssPeak, Math.max(...(sims.children ?? []).map((c) => c.rssPeak ?? 0)));
    assert.equal(root.children?.[3]?.result, 'aborted');
  });

  it('shows cut-off jobs as cut off', () => {
    const { json } = exportsOf(join(dir, 'cut-off.sqlite'));
    assert.equal(json.run.status, 'cut-off');
    const sims = json.root?.children?.[1] as JsonNode;
    assert.equal(sims.children?.[4]?.result, 'cut-off');
    assert.equal(sims.children?.[7]?.state, 'cut-off');
    assert.equal(sims.result, 'cut-off');
  });
});

describe('exportJoblog', () => {
  it("writes GNU parallel's columns, one row per job", () => {
    const { joblog, jobs } = exportsOf(join(dir, 'finished.sqlite'));
    const rows = joblog
      .trimEnd()
      .split('\n')
      .map((line) => line.split('\t'));
    assert.deepEqual(rows[0], [...JOBLOG_HEADER]);
    assert.equal(rows.length - 1, jobs.filter((job) => job.kind === 'job').length);
    for (const row of rows.slice(1)) assert.equal(row.length, 9);
    const sim2 = rows.find((row) => row[8] === 'sim --seed 1002');
    assert.deepEqual(sim2?.slice(0, 8), ['4', ':', '1700000005.500', '  12.000', '0', '0', '1', '0']);
    assert.equal(rows.at(-1)?.[6], '-1', 'an aborted job has no exit value');
  });
});
