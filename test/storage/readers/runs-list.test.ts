import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { RunNotFoundError } from '../../../storage/readers/errors.js';
import { listRuns } from '../../../storage/readers/runs-list.js';
import { makeStandardRun, tempDir } from '../../helpers/make-run-db.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));

describe('listRuns', () => {
  it('lists runs newest first with tally, status and what they rerun', () => {
    const root = join(dir, 'tracking');
    for (const [name, variant, rerunOf] of [
      ['a-finished', 'finished', undefined],
      ['b-cut', 'cut-off', undefined],
      ['c-rerun', 'finished', 'run-finished'],
    ] as const) {
      mkdirSync(join(root, name), { recursive: true });
      makeStandardRun(join(root, name, 'run.sqlite'), variant, {
        runId: name === 'c-rerun' ? 'run-rerun' : `run-${variant}`,
        ...(rerunOf === undefined ? {} : { rerunOf }),
      });
    }
    mkdirSync(join(root, 'broken'));
    writeFileSync(join(root, 'broken', 'run.sqlite'), 'not a database, only text, long enough to not look like an empty file at all.......');
    mkdirSync(join(root, 'no-db'));
    symlinkSync('c-rerun', join(root, 'latest'));
    const { runs, unreadable } = listRuns(root);
    assert.deepEqual(runs.map((r) => r.name).sort(), ['a-finished', 'b-cut', 'c-rerun']);
    assert.deepEqual(
      unreadable.map((r) => r.name),
      ['broken'],
    );
    const byName = new Map(runs.map((r) => [r.name, r]));
    assert.equal(byName.get('a-finished')?.status, 'done');
    assert.deepEqual(byName.get('a-finished')?.tally, { total: 12, passed: 8, failed: 3, aborted: 1, cutOff: 0, unfinished: 0 });
    const cut = byName.get('b-cut');
    assert.equal(cut?.status, 'cut-off');
    assert.equal(cut?.tally.cutOff, 2, 'sim_4 (running) and sim_7 (launched) were cut off');
    assert.equal(cut?.tally.passed, 6, 'only jobs that completed count as passed');
    assert.equal(byName.get('c-rerun')?.rerunOfName, 'a-finished');
    assert.equal(byName.get('c-rerun')?.latest, true);
  });

  it('says so when the directory does not exist', () => {
    assert.throws(() => listRuns(join(dir, 'nowhere')), RunNotFoundError);
  });
});
