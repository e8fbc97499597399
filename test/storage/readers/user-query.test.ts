import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { QueryFailedError, QueryRefusedError } from '../../../storage/readers/errors.js';
import { openRunDatabase } from '../../../storage/readers/open-run.js';
import { prepareUserQuery } from '../../../storage/readers/user-query.js';
import { makeStandardRun, tempDir } from '../../helpers/make-run-db.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'run.sqlite');
makeStandardRun(file, 'finished');
const hash = (): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('prepareUserQuery', () => {
  it('runs SELECT, WITH, VALUES and reporting PRAGMAs', () => {
    const db = openRunDatabase(file);
    try {
      const failed = prepareUserQuery(db, "SELECT path FROM jobs WHERE result = 'failure' AND kind = 'job' ORDER BY id");
      assert.deepEqual(failed.columns, ['path']);
      assert.deepEqual(
        [...failed.rows()].map((row) => row[0]),
        ['top.sims.sim_2', 'top.sims.sim_5', 'top.sims.sim_6'],
      );
      assert.deepEqual([...prepareUserQuery(db, 'WITH x(n) AS (VALUES (1), (2)) SELECT sum(n) AS s FROM x').rows()], [[3]]);
      assert.ok([...prepareUserQuery(db, 'PRAGMA table_info(jobs)').rows()].length > 10);
      assert.ok([...prepareUserQuery(db, '-- comment\n/* another */ select count(*) from messages').rows()].length === 1);
    } finally {
      db.close();
    }
  });

  it('refuses anything that writes, attaches or returns no rows, and leaves the file as it was', () => {
    const before = hash();
    const db = openRunDatabase(file);
    const refused = [
      'DELETE FROM node',
      'UPDATE node SET result = 1',
      "INSERT INTO metric VALUES (0, 'x', 1)",
      'CREATE TABLE t (x)',
      'CREATE TEMP TABLE t (x)',
      'DROP VIEW jobs',
      `ATTACH DATABASE '${join(dir, 'other.sqlite')}' AS other`,
      '  /* sneaky */ attach ":memory:" as m',
      'DETACH main',
      'PRAGMA query_only = 0',
      'PRAGMA user_version = 7',
      'pragma main.journal_mode=DELETE',
      'PRAGMA query_only(0)',
      'VACUUM',
      `VACUUM INTO '${join(dir, 'copy.sqlite')}'`,
      'REINDEX',
      'ANALYZE',
      'BEGIN',
      '',
      '   -- only a comment',
    ];
    try {
      for (const sql of refused) {
        assert.throws(
          () => prepareUserQuery(db, sql),
          (error: unknown) => error instanceof QueryRefusedError || error instanceof QueryFailedError,
          sql,
        );
      }
    } finally {
      db.close();
    }
    assert.equal(hash(), before);
  });

  it('says what is wrong with SQL that does not compile', () => {
    const db = openRunDatabase(file);
    try {
      assert.throws(
        () => prepareUserQuery(db, 'SELEC 1'),
        (error: unknown) => error instanceof QueryFailedError && /syntax error/.test(error.message),
      );
      assert.throws(
        () => prepareUserQuery(db, 'SELECT nope FROM jobs'),
        (error: unknown) => error instanceof QueryFailedError && /no such column/.test(error.message),
      );
      assert.throws(() => prepareUserQuery(db, 'SELECT 1; SELECT 2'), QueryFailedError);
    } finally {
      db.close();
    }
  });
});
