// `gator query` through the built CLI (`npm run build` first).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PUBLIC_VIEWS } from '../../storage/schema.js';
import { VIEW_DOCS } from '../../storage/readers/view-docs.js';
import { gator, makeStandardRun, startLiveWriter, tempDir, waitFor } from '../helpers/make-run-db.js';

const dir = tempDir('gator-cli-query-');
after(() => rmSync(dir, { recursive: true, force: true }));
const finished = join(dir, 'finished.sqlite');
makeStandardRun(finished, 'finished');

const FAILED = "SELECT path, exit_code FROM jobs WHERE result = 'failure' AND kind = 'job' ORDER BY id";

describe('gator query', () => {
  it('prints an aligned table', () => {
    const { status, stdout, stderr } = gator(['query', finished, FAILED, '--table']);
    assert.equal(stderr, '');
    assert.equal(status, 0);
    assert.equal(
      stdout,
      [
        'path            exit_code',
        '──────────────  ─────────',
        'top.sims.sim_2          1',
        'top.sims.sim_5          1',
        'top.sims.sim_6          1',
        '(3 rows)',
        '',
      ].join('\n'),
    );
  });

  it('prints tab-separated values when not on a terminal, CSV, JSON and JSON Lines on request', () => {
    assert.equal(gator(['query', finished, FAILED]).stdout, 'path\texit_code\ntop.sims.sim_2\t1\ntop.sims.sim_5\t1\ntop.sims.sim_6\t1\n');
    assert.equal(gator(['query', finished, FAILED, '--no-header']).stdout, 'top.sims.sim_2\t1\ntop.sims.sim_5\t1\ntop.sims.sim_6\t1\n');
    const csv = gator(['query', finished, "SELECT text FROM messages WHERE job_path = 'top.lint.style' ORDER BY id", '--csv']).stdout;
    assert.equal(csv, 'text\r\nstyle: 12 files\r\n"style: trailing whitespace\tin\u0001 ""a.sv"" & <b.sv>"\r\n');
    const json = JSON.parse(gator(['query', finished, FAILED, '--json']).stdout) as unknown;
    assert.deepEqual(json, [
      { path: 'top.sims.sim_2', exit_code: 1 },
      { path: 'top.sims.sim_5', exit_code: 1 },
      { path: 'top.sims.sim_6', exit_code: 1 },
    ]);
    assert.deepEqual(JSON.parse(gator(['query', finished, 'SELECT 1 AS one WHERE 0', '--json']).stdout), []);
    const lines = gator(['query', finished, 'SELECT id, ended_at FROM run', '--jsonl']).stdout.trimEnd().split('\n');
    assert.deepEqual(
      lines.map((line) => JSON.parse(line) as unknown),
      [{ id: 'run-finished', ended_at: 1_700_000_060 }],
    );
  });

  it('takes the run from ./tracking/latest when only SQL is given', () => {
    const cwd = join(dir, 'project');
    makeStandardRunIn(join(cwd, 'tracking', 'r1'));
    const { status, stdout } = gator(['query', 'SELECT id FROM run'], { cwd });
    assert.equal(status, 0);
    assert.equal(stdout, 'id\nrun-finished\n');
  });

  it('prints every view and column with --schema', () => {
    const { status, stdout } = gator(['query', finished, '--schema']);
    assert.equal(status, 0);
    for (const view of PUBLIC_VIEWS) {
      assert.match(stdout, new RegExp(`^${view}: `, 'm'));
      for (const column of Object.keys(VIEW_DOCS[view].columns)) assert.match(stdout, new RegExp(`^  ${column} +\\S`, 'm'), `${view}.${column}`);
    }
  });

  it('refuses DELETE, UPDATE, INSERT, ATTACH and PRAGMA writes with one line and exit 2, leaving the file byte for byte', () => {
    const hash = (): string => createHash('sha256').update(readFileSync(finished)).digest('hex');
    const before = hash();
    for (const sql of [
      'DELETE FROM node',
      'UPDATE node SET result = 1 WHERE result = 2',
      "INSERT INTO metric (job_id, name, value, count, sum, min, max, ts) VALUES (0, 'x', 1, 1, 1, 1, 1, 0)",
      `ATTACH DATABASE '${join(dir, 'evil.sqlite')}' AS evil`,
      'PRAGMA journal_mode = DELETE',
      'CREATE TABLE x (y)',
      'DROP VIEW jobs',
    ]) {
      const { status, stdout, stderr } = gator(['query', finished, sql]);
      assert.equal(status, 2, sql);
      assert.equal(stdout, '', sql);
      assert.match(stderr, /^gator: query refused: [^\n]+\n$/, sql);
    }
    assert.equal(hash(), before);
    assert.equal(existsSync(join(dir, 'evil.sqlite')), false);
  });

  it('reports SQL that does not compile in one line, exit 2', () => {
    const { status, stderr } = gator(['query', finished, 'SELECT nope FROM jobs']);
    assert.equal(status, 2);
    assert.equal(stderr, 'gator: query failed: no such column: nope\n');
    assert.equal(gator(['query', finished, 'SELECT 1', '--csv', '--json']).status, 2);
    assert.match(gator(['query', finished]).stderr, /^gator: query: give the SQL/);
    assert.match(gator(['query', join(dir, 'missing'), 'SELECT 1']).stderr, /^gator: no run found at /);
  });

  it('reads a live run while it writes, and the same run after its runner is killed', async () => {
    const file = join(dir, 'live.sqlite');
    const writer = await startLiveWriter(file);
    const count = (): number => Number(gator(['query', file, 'SELECT count(*) FROM messages', '--no-header']).stdout);
    try {
      const first = count();
      assert.ok(first > 0);
      await waitFor(() => count() > first, 'the live run to write more messages');
      assert.equal(gator(['query', file, 'SELECT ended_at FROM run', '--no-header']).stdout, '\n');
    } finally {
      await writer.kill();
    }
    const { status, stdout } = gator(['query', file, "SELECT state, result FROM jobs WHERE path = 'top.sims.sim_4'", '--no-header']);
    assert.equal(status, 0);
    assert.equal(stdout, 'running\tunknown\n', 'the view shows what the runner last wrote; it never says success');
    assert.ok(count() > 0);
  });
});

/** A tracking root with `latest` pointing at one run, as `gator run` leaves it. */
function makeStandardRunIn(runDir: string): void {
  mkdirSync(runDir, { recursive: true });
  makeStandardRun(join(runDir, 'run.sqlite'), 'finished');
  symlinkSync('r1', join(runDir, '..', 'latest'));
}
