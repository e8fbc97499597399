// The open-file limit is the runner's to manage: with a low soft limit it raises it, with a
// low hard limit it runs fewer jobs at once, and no job ever fails for the runner's shortage.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gator, openDb, tempDir, writeSpec } from '../helpers/cli.js';

const LAUNCHERS = [
  { name: 'spawn server', env: {} },
  { name: 'Node launcher', env: { GATOR_SPAWN_SERVER: '0' } },
] as const;

const JOBS = 400;
const spec = (): { dir: string; spec: string } => {
  const dir = tempDir();
  return { dir, spec: writeSpec(dir, 'many.yaml', `!JobArray\n  id: many\n  repeats: ${JOBS}\n  jobs:\n  - !Job { id: j, command: sleep, args: ["0.3"] }\n`) };
};

const results = (dbPath: string): Record<string, number> => {
  const db = openDb(dbPath);
  const rows = db.prepare("SELECT result, count(*) AS n FROM jobs WHERE kind = 'job' GROUP BY result").all() as { result: string; n: number }[];
  db.close();
  return Object.fromEntries(rows.map((row) => [row.result, row.n]));
};

for (const launcher of LAUNCHERS) {
  describe(`open files (${launcher.name})`, () => {
    it('with a hard limit of 256, -j 200 runs fewer at once, says so once, and fails no job', async () => {
      const { dir, spec: path } = spec();
      const tracking = join(dir, 'run');
      const result = await gator(['run', path, '--tracking', tracking, '-j', '200'], {
        env: launcher.env,
        under: ['prlimit', '--nofile=256:256'],
        timeoutMs: 300_000,
      });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.deepEqual(results(join(tracking, 'run.sqlite')), { success: JOBS });
      const notices =
        `${result.stdout}${result.stderr}`.match(
          /-j 200 is more jobs than the open-file limit \(256\) lets the runner watch at once: running at most \d+ at a time/g,
        ) ?? [];
      assert.equal(notices.length, 1, result.stdout);
    });

    it('with a soft limit of 256 under a high hard limit, raises it and runs -j 200 as asked', async () => {
      const { dir, spec: path } = spec();
      const tracking = join(dir, 'run');
      const result = await gator(['run', path, '--tracking', tracking, '-j', '200'], {
        env: launcher.env,
        under: ['prlimit', '--nofile=256:8192'],
        timeoutMs: 300_000,
      });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.deepEqual(results(join(tracking, 'run.sqlite')), { success: JOBS });
      assert.doesNotMatch(`${result.stdout}${result.stderr}`, /open-file limit/);
    });
  });
}
