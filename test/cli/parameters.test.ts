// `!JobArray` parameters end to end: a product of named values times repeats, each instance
// with its values as variables and in expansion, recorded in jobs.params, named by its values.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gator, openDb, tempDir, writeSpec } from '../helpers/cli.js';

const dir = tempDir('gator-cli-params-');
after(() => rmSync(dir, { recursive: true, force: true }));

describe('parameters', () => {
  const spec = writeSpec(
    dir,
    'regress.yaml',
    `!JobArray
  id: regress
  repeats: 4
  parameters:
    TEST: [smoke, fifo, dma]
    MODE: [fast, full]
  jobs:
  - !Job
      id: sim
      command: sh
      args: [-c, 'echo "env TEST=$$TEST MODE=$$MODE index=$$GATOR_ARRAY_INDEX"; echo "args $$1 $$2"; [ "$$TEST/$$MODE" != dma/full ] || { echo "dma full broke" >&2; exit 3; }', x, '\${TEST}', '$MODE']
`,
  );
  const tracking = join(dir, 'tracking', 'one');
  const db = join(tracking, 'run.sqlite');

  it('runs 3 × 2 values × 4 repeats = 24 jobs with the right environment and recorded values', async () => {
    const run = await gator(['run', spec, '--quiet', '--tracking', tracking], { cwd: dir });
    assert.equal(run.code, 1, run.stderr);
    const conn = openDb(db);
    try {
      const rows = conn.prepare("SELECT id, ident, params, array_index FROM jobs WHERE kind = 'job' ORDER BY id").all() as {
        id: number;
        ident: string;
        params: string;
        array_index: number;
      }[];
      assert.equal(rows.length, 24);
      const line = conn.prepare('SELECT text FROM messages WHERE job_id = ? ORDER BY id');
      const combos = new Set<string>();
      for (const row of rows) {
        const params = JSON.parse(row.params) as { TEST: string; MODE: string };
        combos.add(`${params.TEST}/${params.MODE}`);
        const repeat = row.array_index % 4;
        assert.equal(row.ident, `sim_${params.TEST}_${params.MODE}_${repeat}`);
        const [env, args] = line.pluck().all(row.id) as string[];
        assert.equal(env, `env TEST=${params.TEST} MODE=${params.MODE} index=${row.array_index}`);
        assert.equal(args, `args ${params.TEST} ${params.MODE}`);
      }
      assert.equal(combos.size, 6);
      assert.deepEqual(
        conn.prepare("SELECT json_extract(params, '$.TEST') AS test, count(*) AS n FROM jobs WHERE kind = 'job' AND result = 'failure' GROUP BY test").all(),
        [{ test: 'dma', n: 4 }],
      );
    } finally {
      conn.close();
    }
  });

  it('selects instances by their values in replay --job and query', async () => {
    const replay = await gator(['replay', tracking, '--job', '**.sim_fifo_*_2', '--no-color'], { cwd: dir });
    assert.equal(replay.code, 0, replay.stderr);
    const paths = new Set([...replay.stdout.matchAll(/ (regress\.sim_\S+): /g)].map((m) => m[1]));
    assert.deepEqual([...paths].sort(), ['regress.sim_fifo_fast_2', 'regress.sim_fifo_full_2']);
    const query = await gator(['query', tracking, "SELECT count(*) FROM jobs WHERE json_extract(params, '$.MODE') = 'full'", '--csv'], { cwd: dir });
    assert.equal(query.stdout.trim().split('\n').at(-1), '12');
  });

  it("shows the failed instance's values in the report", async () => {
    const report = await gator(['report', tracking, '--no-color'], { cwd: dir });
    assert.match(report.stdout, /e\.g\. regress\.sim_dma_full_\d \(exit code 3, seed \d+, TEST=dma, MODE=full\)/);
  });
});
