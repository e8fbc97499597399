// The views, their documentation in --schema and docs/database.md, and the doc's example
// queries must not drift apart.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openRunDatabase } from '../../../storage/readers/open-run.js';
import { prepareUserQuery } from '../../../storage/readers/user-query.js';
import { describeViews, VIEW_DOCS } from '../../../storage/readers/view-docs.js';
import { PUBLIC_VIEWS } from '../../../storage/schema.js';
import { makeStandardRun, REPO_ROOT, tempDir } from '../../helpers/make-run-db.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'run.sqlite');
makeStandardRun(file, 'finished');
const doc = readFileSync(join(REPO_ROOT, 'docs', 'database.md'), 'utf8');

/** The part of docs/database.md about one view: from its heading to the next. */
const section = (view: string): string => {
  const start = doc.indexOf(`### \`${view}\``);
  assert.ok(start >= 0, `docs/database.md has a section for ${view}`);
  const end = doc.indexOf('\n### ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
};

describe('view documentation', () => {
  it('describes every column of every public view, and no column that is gone', () => {
    const db = openRunDatabase(file);
    try {
      for (const view of describeViews(db)) {
        const actual = view.columns.map((column) => column.name);
        assert.deepEqual(actual, Object.keys(VIEW_DOCS[view.name].columns), `${view.name}: VIEW_DOCS lists the columns in order`);
        for (const column of view.columns) assert.notEqual(column.about, '', `${view.name}.${column.name} is described`);
        const text = section(view.name);
        for (const column of actual) assert.match(text, new RegExp(`^\\| \`${column}\` \\| \\S`, 'm'), `docs/database.md documents ${view.name}.${column}`);
      }
      assert.equal(describeViews(db).length, PUBLIC_VIEWS.length);
    } finally {
      db.close();
    }
  });

  it('has a dozen example queries, each of which runs', () => {
    const blocks = [...doc.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1] as string);
    assert.ok(blocks.length >= 12, `${blocks.length} example queries`);
    const db = openRunDatabase(file);
    try {
      for (const sql of blocks) {
        const query = prepareUserQuery(db, sql.trim().replace(/;$/, ''));
        assert.ok(Array.isArray([...query.rows()]), sql);
      }
      const failedSeeds = prepareUserQuery(db, (blocks[1] as string).trim().replace(/;$/, ''));
      const rows = [...failedSeeds.rows()];
      assert.deepEqual(
        rows.map((row) => row[2]),
        ['1002', '1005', '1006'],
        'failed seeds',
      );
      assert.match(String(rows[0]?.[4]), /^assertion failed/);
    } finally {
      db.close();
    }
  });
});
