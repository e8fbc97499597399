// The run database's only writer, unit by unit: a plan becomes nodes, batches become rows, and
// finish settles what was left in flight; read back through the public views.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { emptyMessageColumns, type MessageColumns } from '../../storage/batch.js';
import { RunWriter, type NodeRow } from '../../storage/writer.js';
import { Result, RunResult, Severity, Stream } from '../../vocabulary/codes.js';

const dir = mkdtempSync(join(tmpdir(), 'gator-writer-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const INFO = { id: 'r1', specPath: '/s.yaml', startedAt: 100, host: 'h', argv: ['gator', 's.yaml'], cwd: '/w', pid: 1, options: { jobs: 2 }, rerunOf: null };
const job = (id: number, ident: string): NodeRow => ({
  id,
  parentId: 0,
  subtreeEnd: id,
  kind: 'job',
  ident,
  path: `top.${ident}`,
  arrayIndex: null,
  arrayIndices: [],
  command: `sim ${ident}`,
  argv: ['sim', ident],
  env: { SEED: String(id) },
  cwd: '/w',
  rerunOf: null,
});
const NODES: NodeRow[] = [
  { ...job(0, 'top'), parentId: null, subtreeEnd: 3, kind: 'group', path: 'top', command: null, argv: null, env: null, cwd: null },
  job(1, 'a'),
  job(2, 'b'),
  job(3, 'c'),
];

const lines = (rows: [number, number, number, string][]): MessageColumns => {
  const columns = emptyMessageColumns();
  for (const [jobId, severity, stream, text] of rows) {
    columns.jobId.push(jobId);
    columns.ts.push(101);
    columns.severity.push(severity as never);
    columns.stream.push(stream as never);
    columns.text.push(text);
    columns.raw.push(null);
  }
  return columns;
};

const open = (file: string): Database.Database => new Database(file, { readonly: true });

describe('RunWriter', () => {
  it('creates the nodes of a plan, pending, with their commands and environment', () => {
    const file = join(dir, 'create.sqlite');
    RunWriter.create(file, INFO, NODES).close();
    const db = open(file);
    const rows = db.prepare('SELECT path, kind, state, result, command, env FROM jobs ORDER BY id').all();
    db.close();
    assert.deepEqual(rows[1], { path: 'top.a', kind: 'job', state: 'pending', result: 'unknown', command: 'sim a', env: '{"SEED":"1"}' });
    assert.equal(rows.length, 4);
  });

  it('writes lines, state changes and samples in one batch, and more than 128 lines a statement', () => {
    const file = join(dir, 'write.sqlite');
    const writer = RunWriter.create(file, INFO, NODES);
    const many: [number, number, number, string][] = Array.from({ length: 300 }, (_, i) => [1, Severity.INFO, Stream.stdout, `line ${i}`]);
    writer.write({
      messages: lines([...many, [1, Severity.ERROR, Stream.stderr, 'boom']]),
      changes: [
        { type: 'launched', id: 1, ts: 100.5 },
        { type: 'started', id: 1, ts: 101, pid: 4242 },
        {
          type: 'ended',
          id: 1,
          ts: 102,
          result: Result.failure,
          failure: 'error-count',
          exitCode: 0,
          signal: null,
          counts: [0, 300, 0, 1, 0],
          cpuPeak: 50,
          rssPeak: 1e6,
        },
      ],
      samples: [{ jobId: 1, ts: 101.5, nproc: 2, cpuPercent: 50, rssBytes: 1e6 }],
    });
    writer.finish({ endedAt: 103, result: RunResult.failure, exitCode: 1 });
    writer.close();
    const db = open(file);
    const a = db.prepare("SELECT state, result, failure, pid, msg_info, msg_error, rss_peak FROM jobs WHERE path = 'top.a'").get();
    assert.deepEqual(a, { state: 'complete', result: 'failure', failure: 'error-count', pid: 4242, msg_info: 300, msg_error: 1, rss_peak: 1e6 });
    assert.equal((db.prepare("SELECT count(*) AS n FROM messages WHERE job_path = 'top.a'").get() as { n: number }).n, 301);
    assert.deepEqual(db.prepare("SELECT text, severity, stream FROM messages WHERE severity = 'ERROR'").get(), {
      text: 'boom',
      severity: 'ERROR',
      stream: 'stderr',
    });
    assert.equal((db.prepare('SELECT count(*) AS n FROM samples').get() as { n: number }).n, 1);
    assert.deepEqual(db.prepare('SELECT result, exit_code FROM run').get(), { result: 'failure', exit_code: 1 });
    db.close();
  });

  it('aborts a pruned id range, and on finish settles in-flight jobs as internal and unstarted ones as aborted', () => {
    const file = join(dir, 'settle.sqlite');
    const writer = RunWriter.create(file, INFO, NODES);
    writer.write({
      changes: [
        { type: 'aborted', from: 3, to: 3, ts: 101 },
        { type: 'launched', id: 1, ts: 101 },
        { type: 'started', id: 1, ts: 101, pid: 1 },
      ],
    });
    writer.finish({ endedAt: 104, result: RunResult.interrupted, exitCode: 3 });
    writer.close();
    const db = open(file);
    const shown = db.prepare("SELECT path, state, result, failure FROM jobs WHERE kind = 'job' ORDER BY id").all();
    assert.deepEqual(shown, [
      { path: 'top.a', state: 'complete', result: 'failure', failure: 'internal' },
      { path: 'top.b', state: 'complete', result: 'aborted', failure: null },
      { path: 'top.c', state: 'complete', result: 'aborted', failure: null },
    ]);
    assert.equal((db.prepare('SELECT result FROM run').get() as { result: string }).result, 'interrupted');
    db.close();
  });
});
