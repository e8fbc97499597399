// A run database written by an older gator, read by this one through the built CLI: every
// reader refuses it with one sentence naming the file and both run database versions, exit 2,
// never a list of missing views or a stack. The database is a real run's (`gator run`), then
// aged as an older gator would have left it: an earlier user_version, views it did not have yet.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SCHEMA_VERSION } from '../../storage/schema.js';
import { gator, tempDir, writeSpec } from '../helpers/cli.js';
import { ageRunDatabase } from '../helpers/make-run-db.js';

const dir = tempDir('gator-cli-old-db-');
after(() => rmSync(dir, { recursive: true, force: true }));

const SPEC = `!JobGroup
  id: top
  jobs:
  - !Job { id: hello, command: echo, args: [hello] }
`;

describe('a run database of an older gator', () => {
  it('is refused by query, replay, report, repro and runs in one sentence with both versions, exit 2', async () => {
    const spec = writeSpec(dir, 'hello.yaml', SPEC);
    const made = await gator(['run', spec, '--tracking', join(dir, 'tracking', 't')], { cwd: dir });
    assert.equal(made.code, 0, made.stderr);
    // Readable as it was written.
    assert.equal((await gator(['query', 'tracking/t', 'SELECT count(*) FROM cluster_jobs'], { cwd: dir })).code, 0);
    ageRunDatabase(join(dir, 'tracking', 't', 'run.sqlite'), 1, ['cluster_jobs', 'metric_rollup']);

    const sentence = `tracking/t/run.sqlite was written by an older gator (run database version 1; this gator reads version ${SCHEMA_VERSION}): open it with the gator that wrote it`;
    for (const args of [
      ['query', 'tracking/t', 'SELECT * FROM jobs'],
      ['replay', 'tracking/t'],
      ['report', 'tracking/t'],
      ['report', 'tracking/t/run.sqlite', '--json', join(dir, 'out.json')],
      ['repro', 'tracking/t', 'top.hello'],
    ]) {
      const answer = await gator(args, { cwd: dir });
      assert.equal(answer.code, 2, `${args.join(' ')}: ${answer.stderr}`);
      assert.equal(answer.stderr, `gator: ${sentence}\n`, args.join(' '));
      assert.equal(answer.stdout, '', args.join(' '));
    }
    // Listing the runs names it as skipped with the same sentence; with nothing else to list, exit 2.
    const runs = await gator(['runs', 'tracking'], { cwd: dir });
    assert.equal(runs.code, 2, runs.stderr);
    assert.match(runs.stderr, new RegExp(`^gator: skipped \\S*tracking/t: ${sentence.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n$`));
  });
});
