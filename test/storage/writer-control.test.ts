// The writer's regression-control columns: seeds, params, limits, grants, and retried attempts,
// as the public views show them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { emptyMessageColumns } from '../../storage/batch.js';
import { Result, Severity, Stream } from '../../vocabulary/codes.js';
import { RunWriter, type NodeRow } from '../../storage/writer.js';

const dir = mkdtempSync(join(tmpdir(), 'gator-writer-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const base = { parentId: 0, arrayIndex: null, arrayIndices: [], command: 'sim', argv: ['sim'], env: {}, cwd: '/w', rerunOf: null };
const nodes: NodeRow[] = [
  { ...base, id: 0, parentId: null, subtreeEnd: 2, kind: 'group', ident: 'top', path: 'top', command: null, argv: null, env: null, cwd: null, timeout: 7200 },
  {
    ...base,
    id: 1,
    subtreeEnd: 1,
    kind: 'job',
    ident: 'sim_fifo',
    path: 'top.sim_fifo',
    seed: 3_000_000_000,
    seedTemplate: { argv: { 1: ['+seed=', ''] } },
    params: { TEST: 'fifo' },
    timeout: 2,
    retries: 3,
    retryOn: ['signal'],
    mkdir: true,
    cores: 2,
    memory: 1e9,
    licenses: { VCS: 1 },
  },
  { ...base, id: 2, subtreeEnd: 2, kind: 'job', ident: 'plain', path: 'top.plain', seed: 5, cores: 1, licenses: {} },
];

describe('RunWriter: regression control', () => {
  const file = join(dir, 'run.sqlite');
  const writer = RunWriter.create(
    file,
    { id: 'r', specPath: '/s.yaml', startedAt: 100, host: 'h', argv: ['gator'], cwd: '/w', pid: 1, options: {}, rerunOf: null, seed: 42 },
    nodes,
  );
  const attempts: (number | null)[] = [];
  const messages = { ...emptyMessageColumns(), attempt: attempts };
  const line = (text: string, attempt: number | null): void => {
    messages.jobId.push(1);
    messages.ts.push(101);
    messages.severity.push(Severity.ERROR);
    messages.stream.push(Stream.stderr);
    messages.text.push(text);
    messages.raw.push(null);
    attempts.push(attempt);
  };
  line('first try', null);
  writer.write({
    messages,
    changes: [
      { type: 'launched', id: 1, ts: 100.5, queuedAt: 100.1, waitedFor: 'license:VCS' },
      { type: 'started', id: 1, ts: 101, pid: 10 },
      { type: 'progress', id: 1, counts: [0, 0, 0, 1, 0], cpuPeak: null, rssPeak: null },
      {
        type: 'retried',
        id: 1,
        attempt: 1,
        startedAt: 101,
        endedAt: 102,
        result: Result.failure,
        failure: 'timeout',
        exitCode: null,
        signal: 'SIGTERM',
        pid: 10,
        counts: [0, 0, 0, 1, 0],
      },
      { type: 'attempt-started', id: 1, attempt: 2, ts: 102.5, pid: 11 },
    ],
  });
  const second = { ...emptyMessageColumns(), attempt: [2] };
  second.jobId.push(1);
  second.ts.push(103);
  second.severity.push(Severity.INFO);
  second.stream.push(Stream.stdout);
  second.text.push('second try');
  second.raw.push(null);
  writer.write({
    messages: second,
    changes: [
      {
        type: 'ended',
        id: 1,
        ts: 104,
        result: Result.success,
        failure: null,
        exitCode: 0,
        signal: null,
        counts: [0, 1, 0, 0, 0],
        cpuPeak: null,
        rssPeak: null,
        flaky: true,
      },
      { type: 'launched', id: 2, ts: 104 },
    ],
  });
  writer.finish({ endedAt: 105, result: Result.success, exitCode: 0 });
  writer.close();
  const db = new Database(file, { readonly: true });
  after(() => db.close());

  it('records seeds, params, limits and grants in jobs, and the run seed in run', () => {
    const row = db
      .prepare(
        "SELECT seed, params, timeout, retries, retry_on, mkdir, attempt, flaky, cores, memory, licenses, queued_at, launched_at, waited_for, msg_error, msg_info, pid FROM jobs WHERE path = 'top.sim_fifo'",
      )
      .get();
    assert.deepEqual(row, {
      seed: 3_000_000_000,
      params: '{"TEST":"fifo"}',
      timeout: 2,
      retries: 3,
      retry_on: '["signal"]',
      mkdir: 1,
      attempt: 2,
      flaky: 1,
      cores: 2,
      memory: 1e9,
      licenses: '{"VCS":1}',
      queued_at: 100.1,
      launched_at: 100.5,
      waited_for: 'license:VCS',
      msg_error: 0,
      msg_info: 1,
      pid: 11,
    });
    assert.deepEqual(db.prepare("SELECT seed, params, licenses, flaky, attempt, waited_for FROM jobs WHERE path = 'top.plain'").get(), {
      seed: 5,
      params: null,
      licenses: null,
      flaky: 0,
      attempt: 1,
      waited_for: null,
    });
    assert.equal(db.prepare("SELECT timeout FROM jobs WHERE path = 'top'").pluck().get(), 7200);
    assert.equal(db.prepare('SELECT seed FROM run').pluck().get(), 42);
    assert.equal(db.prepare("SELECT json_extract(params, '$.TEST') FROM jobs WHERE id = 1").pluck().get(), 'fifo');
  });

  it('keeps every attempt, and each line with its attempt', () => {
    assert.deepEqual(db.prepare('SELECT text, attempt FROM messages ORDER BY id').all(), [
      { text: 'first try', attempt: 1 },
      { text: 'second try', attempt: 2 },
    ]);
    assert.deepEqual(
      db.prepare('SELECT job_path, attempt, started_at, ended_at, result, failure, signal, pid, msg_error, final FROM attempts ORDER BY attempt').all(),
      [
        {
          job_path: 'top.sim_fifo',
          attempt: 1,
          started_at: 101,
          ended_at: 102,
          result: 'failure',
          failure: 'timeout',
          signal: 'SIGTERM',
          pid: 10,
          msg_error: 1,
          final: 0,
        },
        {
          job_path: 'top.sim_fifo',
          attempt: 2,
          started_at: 102.5,
          ended_at: 104,
          result: 'success',
          failure: null,
          signal: null,
          pid: 11,
          msg_error: 0,
          final: 1,
        },
      ],
    );
  });
});
