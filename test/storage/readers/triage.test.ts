// The end-of-run report: rows per top-level group/array, failures bucketed by their normalised
// first ERROR line, and a JSON form that matches the database.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { renderReport } from '../../../console/index.js';
import { readRunReport } from '../../../storage/readers/triage.js';
import { FixtureDb, type FixtureMessage, type FixtureNode } from '../../helpers/console/make-db.js';
import { T0 } from '../../helpers/console/events.js';

const ESCAPE = /[\u001b\u009b]/;

/** top: smoke (group, 3 jobs, 1 fails), regress (array, 40 jobs, 12 fail in 3 ways), one direct job. */
const buildDb = (): string => {
  const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'gator-triage-')), 'run.sqlite');
  const db = new FixtureDb(dbPath);
  const nodes: FixtureNode[] = [
    { id: 1, parentId: null, kind: 'group', ident: 'top', path: 'top', result: 'failure', startedAt: T0, endedAt: T0 + 90 },
    { id: 2, parentId: 1, kind: 'group', ident: 'smoke', path: 'top.smoke', result: 'failure' },
    { id: 3, parentId: 1, kind: 'array', ident: 'regress', path: 'top.regress', result: 'failure' },
  ];
  const messages: FixtureMessage[] = [];
  let id = 10;
  for (let i = 0; i < 3; i += 1, id += 1) {
    const fails = i === 1;
    nodes.push({
      id,
      parentId: 2,
      kind: 'job',
      ident: `check_${i}`,
      path: `top.smoke.check_${i}`,
      result: fails ? 'failure' : 'success',
      failure: fails ? 'signal' : null,
      signal: fails ? 'SIGKILL' : null,
      startedAt: T0,
      endedAt: T0 + 5 + i,
      rssPeak: 1000 * (i + 1),
    });
  }
  for (let i = 0; i < 40; i += 1, id += 1) {
    let failure: string | null = null;
    messages.push({ jobId: id, ts: T0 + i, severity: 'INFO', text: `seed ${i} starting` });
    if (i % 4 === 1) {
      // 10 jobs: the same assertion with a different cycle and address each time.
      messages.push({ jobId: id, ts: T0 + i, severity: 'WARNING', text: 'not an error' });
      messages.push({
        jobId: id,
        ts: T0 + i + 0.5,
        severity: 'ERROR',
        text: `assertion failed: fifo overflow at cycle ${1000 + i} addr 0x${(0xdead00 + i).toString(16)}`,
      });
      messages.push({ jobId: id, ts: T0 + i + 0.6, severity: 'ERROR', text: 'a later error that is not first' });
      failure = 'exit';
    } else if (i === 2 || i === 6) {
      messages.push({ jobId: id, ts: T0 + i + 0.5, severity: 'CRITICAL', text: `\u001b[31mpanic\u001b[0m in thread ${i}` });
      failure = 'critical-count';
    }
    if (i === 39) failure = 'exit';
    nodes.push({
      id,
      parentId: 3,
      kind: 'job',
      ident: `seed_${i}`,
      path: `top.regress.seed_${i}`,
      arrayIndex: i,
      result: failure === null ? 'success' : 'failure',
      failure,
      exitCode: failure === 'exit' ? 1 : 0,
      startedAt: T0 + 1 + i,
      endedAt: T0 + 2 + i * 2,
      rssPeak: 5_000_000 + i,
    });
  }
  nodes.push({ id: 99, parentId: 1, kind: 'job', ident: 'lint', path: 'top.lint', result: 'aborted' });
  db.run({ id: 'r1', specPath: 'spec.yaml', startedAt: T0, endedAt: T0 + 90, result: 2, exitCode: 1 });
  db.messages(messages);
  db.nodes(nodes);
  db.close();
  return dbPath;
};

test('failures sharing a first error line are grouped, biggest group first', () => {
  const report = readRunReport(buildDb(), { contextLines: 3 });
  assert.equal(report.failures.jobs, 14);
  const [first, ...rest] = report.failures.buckets;
  assert.ok(first !== undefined);
  assert.equal(first.count, 10);
  assert.equal(first.signature, 'assertion failed: fifo overflow at cycle <n> addr <hex>');
  assert.deepEqual(
    first.paths,
    [1, 5, 9, 13, 17, 21, 25, 29, 33, 37].map((i) => `top.regress.seed_${i}`),
  );
  assert.equal(first.example.path, 'top.regress.seed_1');
  assert.equal(first.example.firstError, 'assertion failed: fifo overflow at cycle 1001 addr 0xdead01');
  assert.deepEqual(
    first.example.lastLines.map((l) => l.text),
    ['not an error', first.example.firstError, 'a later error that is not first'],
  );
  assert.equal(first.example.reason, 'exit code 1');
  const bySignature = new Map(rest.map((b) => [b.signature, b]));
  assert.equal(bySignature.get('\u001b[<n>mpanic\u001b[<n>m in thread <n>')?.count, 2);
  assert.equal(bySignature.get('(no ERROR line) killed by SIGKILL')?.paths[0], 'top.smoke.check_1');
  assert.equal(bySignature.get('(no ERROR line) exit code 1')?.paths[0], 'top.regress.seed_39');
});

test('a row per top-level group and array, with totals, duration and peak RSS', () => {
  const report = readRunReport(buildDb());
  assert.deepEqual(
    report.groups.map((g) => [g.path, g.kind, g.total, g.passed, g.failed, g.aborted, g.duration, g.peakRss]),
    [
      ['top.smoke', 'group', 3, 2, 1, 0, 7, 3000],
      ['top.regress', 'array', 40, 27, 13, 0, 79, 5_000_039],
      ['top', 'jobs', 1, 0, 0, 1, null, null],
    ],
  );
  assert.deepEqual({ ...report.totals }, { total: 44, passed: 29, failed: 14, aborted: 1, unfinished: 0, duration: 80, peakRss: 5_000_039 });
});

test('--json: the report serialises, parses back, and matches the database', () => {
  const dbPath = buildDb();
  const parsed = JSON.parse(JSON.stringify(readRunReport(dbPath))) as ReturnType<typeof readRunReport>;
  const db = new Database(dbPath, { readonly: true });
  try {
    const counts = db.prepare<[], { result: string; n: number }>("SELECT result, count(*) AS n FROM jobs WHERE kind = 'job' GROUP BY result").all();
    const byResult = Object.fromEntries(counts.map((c) => [c.result, c.n]));
    assert.equal(
      parsed.totals.total,
      counts.reduce((sum, c) => sum + c.n, 0),
    );
    assert.equal(parsed.totals.passed, byResult['success']);
    assert.equal(parsed.totals.failed, byResult['failure']);
    assert.equal(parsed.totals.aborted, byResult['aborted']);
    const failedPaths = db
      .prepare<[], { path: string }>("SELECT path FROM jobs WHERE kind = 'job' AND result = 'failure' ORDER BY path")
      .all()
      .map((r) => r.path);
    assert.deepEqual(parsed.failures.buckets.flatMap((b) => b.paths).sort(), failedPaths);
    for (const bucket of parsed.failures.buckets) {
      const first = db
        .prepare<[string], { text: string }>("SELECT text FROM messages WHERE job_path = ? AND severity IN ('ERROR','CRITICAL') ORDER BY id LIMIT 1")
        .get(bucket.example.path);
      assert.equal(bucket.example.firstError, first?.text ?? null);
    }
    const run = db.prepare<[], { id: string; result: string; exit_code: number }>('SELECT id, result, exit_code FROM run').get();
    assert.deepEqual([parsed.run?.id, parsed.run?.result, parsed.run?.exitCode], [run?.id, run?.result, run?.exit_code]);
  } finally {
    db.close();
  }
});

test('the rendered report: table, triage groups with elided paths, replay command, database; no escape when plain', () => {
  const dbPath = buildDb();
  const text = renderReport(readRunReport(dbPath, { contextLines: 3 }), { color: false, width: 100 });
  assert.doesNotMatch(text, ESCAPE);
  assert.match(text, /^\nSummary +jobs +passed +failed +aborted +duration +peak RSS\ntop\.smoke +group +3 +2 +1 +0 +7\.00s +2\.9 KiB\n/);
  assert.match(text, /\ntop\.regress +array +40 +27 +13 +0 +1m19s +4\.8 MiB\n/);
  assert.match(text, /\nall +44 +29 +14 +1 +1m20s/);
  assert.match(text, /14 jobs failed, 4 distinct first errors:/);
  assert.match(
    text,
    /✘ 10 jobs failed with `assertion failed: fifo overflow at cycle <n> addr <hex>`\n {2}top\.regress\.seed_\{1,5,9,13,17,21,25,29,33,37\}\n/,
  );
  assert.match(text, /✘ 2 jobs failed with `␛\[<n>mpanic␛\[<n>m in thread <n>`/);
  assert.match(text, /✘ 1 job failed: killed by SIGKILL, no ERROR line\n {2}top\.smoke\.check_1\n/);
  assert.match(text, /whole log: gator replay \S+run\.sqlite --job top\.regress\.seed_1\n/);
  assert.match(text, /\nDatabase: \S+run\.sqlite\n$/);
  const coloured = renderReport(readRunReport(dbPath), { color: true, width: 100 });
  assert.match(coloured, /\u001b\[31m/);
});

test('many failed paths are folded and elided', () => {
  const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'gator-triage-')), 'run.sqlite');
  const db = new FixtureDb(dbPath);
  const nodes: FixtureNode[] = [{ id: 1, parentId: null, kind: 'array', ident: 'a', path: 'a', result: 'failure' }];
  const messages: FixtureMessage[] = [];
  for (let i = 0; i < 500; i += 1) {
    const group = i % 7;
    nodes.push({ id: 10 + i, parentId: 1, kind: 'job', ident: `g${group}_${i}`, path: `a.g${group}_${i}`, result: 'failure', failure: 'exit', exitCode: 1 });
    messages.push({ jobId: 10 + i, ts: T0 + i, severity: 'ERROR', text: `fifo overflow seed ${i}` });
  }
  db.messages(messages);
  db.nodes(nodes);
  db.close();
  const text = renderReport(readRunReport(dbPath), { color: false, width: 80 });
  assert.match(text, /✘ 500 jobs failed with `fifo overflow seed <n>`\n {2}a\.g0_\{0,7,14,/);
  assert.match(text, /\n {2}… and 2 more\n/);
  for (const line of text.split('\n')) assert.ok(line.length <= 120, line);
});
