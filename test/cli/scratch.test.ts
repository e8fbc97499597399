// Per-job scratch directories: 200 seeded instances, each in a directory of its own that the
// runner creates (mkdir: true), each writing its own file; the directory is jobs.cwd.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gator, openDb, tempDir, writeSpec } from '../helpers/cli.js';

const dir = tempDir('gator-cli-scratch-');
after(() => rmSync(dir, { recursive: true, force: true }));

describe('scratch directories', () => {
  it('gives 200 instances a directory each, created before they start, in which each writes its own file', async () => {
    const spec = writeSpec(
      dir,
      'scratch.yaml',
      `!JobArray
  id: seeds
  repeats: 200
  cwd: scratch/\${GATOR_SEED}
  mkdir: true
  jobs:
  - !Job {id: sim, command: sh, args: [-c, 'echo "$$GATOR_SEED $$GATOR_ARRAY_INDEX" > result.txt']}
`,
    );
    const tracking = join(dir, 'tracking', 'scratch');
    const run = await gator(['run', spec, '--quiet', '--tracking', tracking], { cwd: dir });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    const db = openDb(join(tracking, 'run.sqlite'));
    try {
      const rows = db.prepare("SELECT seed, cwd, array_index, mkdir FROM jobs WHERE kind = 'job'").all() as {
        seed: number;
        cwd: string;
        array_index: number;
        mkdir: number;
      }[];
      assert.equal(rows.length, 200);
      for (const row of rows) {
        assert.equal(row.cwd, join(dir, 'scratch', String(row.seed)));
        assert.equal(row.mkdir, 1);
        assert.equal(readFileSync(join(row.cwd, 'result.txt'), 'utf8'), `${row.seed} ${row.array_index}\n`);
      }
    } finally {
      db.close();
    }
    assert.equal(readdirSync(join(dir, 'scratch')).length, 200);
  });

  it('fails a job whose directory cannot be created, saying why', async () => {
    const spec = writeSpec(dir, 'blocked.yaml', '!Job {id: blocked, cwd: /proc/gator-cannot-exist/x, mkdir: true, command: "true"}\n');
    const tracking = join(dir, 'tracking', 'blocked');
    const run = await gator(['run', spec, '--quiet', '--tracking', tracking], { cwd: dir });
    assert.equal(run.code, 1);
    const db = openDb(join(tracking, 'run.sqlite'));
    try {
      assert.deepEqual(db.prepare('SELECT result, failure FROM jobs').get(), { result: 'failure', failure: 'spawn' });
      assert.match(db.prepare('SELECT text FROM messages').pluck().get() as string, /^cannot create the working directory \/proc\/gator-cannot-exist\/x: /);
    } finally {
      db.close();
    }
  });
});
