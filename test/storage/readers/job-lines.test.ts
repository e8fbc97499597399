// One job's line list: ids in order whatever the severities, filters that agree with the
// browser-side rule, windows read by id, and what a follower reads next.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { asciiLower, lowerBound, passesFilter, readLineIds, readLinesAfter, readLinesById } from '../../../storage/readers/job-lines.js';
import { RunDbBuilder, tempDir } from '../../helpers/make-run-db.js';

const dir = tempDir('gator-job-lines-');
after(() => rmSync(dir, { recursive: true, force: true }));

const build = (name: string): { builder: RunDbBuilder; job: number; other: number } => {
  const builder = new RunDbBuilder(join(dir, `${name}.sqlite`), { id: 'r', specPath: '/s.yaml', startedAt: 1 });
  const top = builder.group(null, 'top');
  const job = builder.job(top, 'job', { state: 'running' });
  const other = builder.job(top, 'other', { state: 'running' });
  // Interleaved with another job's lines, severities mixed, so the index hands ids out of order.
  const lines: [number, 'INFO' | 'ERROR' | 'WARNING', string][] = [
    [job, 'INFO', 'boot'],
    [other, 'INFO', 'noise'],
    [job, 'ERROR', 'Mismatch at 0x10'],
    [job, 'INFO', 'step ÉTÉ mismatch'],
    [other, 'ERROR', 'not mine'],
    [job, 'WARNING', 'slow'],
    [job, 'INFO', 'done'],
  ];
  builder.interleaved(lines.map(([jobId, severity, text], i) => ({ jobId, ts: 10 + i, severity, text })));
  return { builder, job, other };
};

describe('job lines', () => {
  it("reads a job's line ids in order, all of them or those that pass a filter", () => {
    const { builder, job } = build('filters');
    const all = [...readLineIds(builder.db, job, {})];
    assert.equal(all.length, 5);
    assert.deepEqual(
      all,
      [...all].sort((a, b) => a - b),
    );
    const rows = readLinesById(builder.db, all);
    assert.deepEqual(
      rows.map((row) => row.text),
      ['boot', 'Mismatch at 0x10', 'step ÉTÉ mismatch', 'slow', 'done'],
    );
    assert.deepEqual(
      readLinesById(builder.db, readLineIds(builder.db, job, { minSeverity: 'WARNING' })).map((row) => row.text),
      ['Mismatch at 0x10', 'slow'],
    );
    // Text search ignores the case of ASCII letters only, as SQLite's lower() does.
    assert.deepEqual(
      readLinesById(builder.db, readLineIds(builder.db, job, { text: 'MISMATCH' })).map((row) => row.text),
      ['Mismatch at 0x10', 'step ÉTÉ mismatch'],
    );
    assert.equal(readLineIds(builder.db, job, { text: 'été' }).length, 0);
    assert.equal(readLineIds(builder.db, job, { text: 'ÉTÉ' }).length, 1);
    // The same rule in JavaScript (used for lines that arrive live) agrees with the SQL.
    for (const filter of [{ minSeverity: 'WARNING' as const }, { text: 'MISMATCH' }, { text: 'été' }, { text: 'ÉTÉ', minSeverity: 'INFO' as const }]) {
      const sql = readLinesById(builder.db, readLineIds(builder.db, job, filter)).map((row) => row.id);
      const js = rows.filter((row) => passesFilter(row, filter)).map((row) => row.id);
      assert.deepEqual(js, sql, JSON.stringify(filter));
    }
    assert.equal(asciiLower('ÉTÉ Mismatch'), 'ÉtÉ mismatch');
    builder.db.close();
  });

  it('gives a follower the lines after its cursor, and finds positions by id', () => {
    const { builder, job } = build('follow');
    const all = readLineIds(builder.db, job, {});
    assert.deepEqual(
      readLinesAfter(builder.db, job, all[2] as number, -1).map((row) => row.text),
      ['slow', 'done'],
    );
    assert.deepEqual(
      readLinesAfter(builder.db, job, all[2] as number, 1).map((row) => row.text),
      ['slow'],
    );
    assert.equal(lowerBound(all, all[3] as number), 3);
    assert.equal(lowerBound(all, (all[3] as number) - 0.5), 3);
    assert.equal(lowerBound(all, Infinity), all.length);
    builder.db.close();
  });
});
