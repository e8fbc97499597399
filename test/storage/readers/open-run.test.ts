import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { NotARunDatabaseError, RunDatabaseVersionError, RunNotFoundError } from '../../../storage/readers/errors.js';
import { SCHEMA_VERSION } from '../../../storage/schema.js';
import { openRun, resolveRun } from '../../../storage/readers/open-run.js';
import { readRun } from '../../../storage/readers/run-info.js';
import { ageRunDatabase, makeStandardRun, tempDir } from '../../helpers/make-run-db.js';

const dir = realpathSync(tempDir());
after(() => rmSync(dir, { recursive: true, force: true }));
const runDir = join(dir, 'tracking', '2024-05-01T10-00-00.000');
mkdirSync(runDir, { recursive: true });
makeStandardRun(join(runDir, 'run.sqlite'), 'finished');
symlinkSync('2024-05-01T10-00-00.000', join(dir, 'tracking', 'latest'));
const dbPath = join(runDir, 'run.sqlite');

describe('resolveRun', () => {
  it('takes a tracking directory, a database file, a tracking root, or nothing', () => {
    assert.deepEqual(resolveRun(runDir), { dbPath, dir: runDir });
    assert.deepEqual(resolveRun(dbPath), { dbPath, dir: runDir });
    assert.deepEqual(resolveRun(join(dir, 'tracking')), { dbPath, dir: runDir });
    assert.deepEqual(resolveRun(undefined, dir), { dbPath, dir: runDir });
    assert.deepEqual(resolveRun('tracking/latest', dir), { dbPath, dir: runDir }, 'links resolved, so printed paths keep naming this run');
  });

  it('says where it looked when there is no run', () => {
    assert.throws(
      () => resolveRun(undefined, join(dir, 'tracking', '..', '..')),
      (error: unknown) => error instanceof RunNotFoundError && error.message.startsWith('no run found at tracking/latest'),
    );
    assert.throws(() => resolveRun(join(dir, 'missing')), RunNotFoundError);
    mkdirSync(join(dir, 'empty'));
    assert.throws(
      () => resolveRun(join(dir, 'empty')),
      (error: unknown) => error instanceof RunNotFoundError && /no run\.sqlite in it/.test(error.message),
    );
  });
});

describe('openRun', () => {
  it('opens read-only and reads the run row', () => {
    const run = openRun(runDir);
    try {
      assert.equal(run.db.readonly, true);
      assert.equal(run.db.pragma('query_only', { simple: true }), 1);
      assert.equal(readRun(run.db).id, 'run-finished');
      assert.throws(() => run.db.exec('DELETE FROM node'));
    } finally {
      run.close();
    }
  });

  it('refuses files that are not Gator run databases', () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'hello, this is not SQLite at all, not even close to it....................................................');
    assert.throws(() => openRun(text), NotARunDatabaseError);
    const other = join(dir, 'other.sqlite');
    const db = new Database(other);
    db.exec('CREATE TABLE t (x)');
    db.close();
    assert.throws(
      () => openRun(other),
      (error: unknown) => error instanceof NotARunDatabaseError && /views missing/.test(error.message),
    );
    const foreign = join(dir, 'foreign.sqlite');
    const f = new Database(foreign);
    f.pragma('application_id = 1234');
    f.close();
    assert.throws(
      () => openRun(foreign),
      (error: unknown) => error instanceof NotARunDatabaseError && /another application/.test(error.message),
    );
  });

  it("refuses an older or a newer gator's run database in one sentence naming the file and both versions", () => {
    const refused = (file: string): string => {
      try {
        openRun(file).close();
      } catch (error) {
        assert.ok(error instanceof RunDatabaseVersionError, String(error));
        return error.message;
      }
      assert.fail(`${file} was opened`);
    };
    const made = (name: string): string => {
      const file = join(dir, `${name}.sqlite`);
      makeStandardRun(file, 'finished');
      return file;
    };
    const old = made('old');
    ageRunDatabase(old, 1, ['cluster_jobs', 'metric_rollup']);
    assert.equal(
      refused(old),
      `${old} was written by an older gator (run database version 1; this gator reads version ${SCHEMA_VERSION}): open it with the gator that wrote it`,
    );
    // Made before a view was added, under the same version number: the views it lacks are named.
    const before = made('before');
    ageRunDatabase(before, SCHEMA_VERSION, ['cluster_jobs']);
    assert.equal(
      refused(before),
      `${before} was written by an older gator (run database version ${SCHEMA_VERSION} without the view cluster_jobs; this gator reads version ${SCHEMA_VERSION} with it): open it with the gator that wrote it`,
    );
    const newer = made('newer');
    ageRunDatabase(newer, SCHEMA_VERSION + 1, []);
    assert.equal(
      refused(newer),
      `${newer} was written by a newer gator (run database version ${SCHEMA_VERSION + 1}; this gator reads version ${SCHEMA_VERSION}): open it with that gator`,
    );
  });
});
