// The console of a real `gator run` (the built CLI): the live panel under a pseudo-terminal,
// Ctrl+C, piped output without escape sequences, and --json matching the database.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { GATOR, ROOT, gator, openDb } from '../helpers/cli.js';
import { escapeFailures, fifoFailures, writeRegression } from '../helpers/console/regression.js';
import { Tmux, tmuxAvailable } from '../helpers/console/tmux.js';

const built = existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'));
const skipTty = !built ? 'the CLI is not built (npm run build)' : tmuxAvailable() ? false : 'tmux is not installed (apt-get install -y tmux)';
const ESCAPE = /[\u001b\u009b]/;
const PANEL_DEBRIS = [/▼ (Failed|Running) jobs/, /━/, /◦ \d+ pending/, / elapsed/];
const debris = (screen: string): string | undefined => screen.split('\n').find((l) => PANEL_DEBRIS.some((p) => p.test(l)));

const sessions: Tmux[] = [];
after(() => sessions.forEach((t) => t.kill()));

test('gator run --progress on a terminal: 200 jobs with failures, the panel, then a clean log and report', { skip: skipTty }, async () => {
  const { dir, spec } = writeRegression(200);
  const tmux = new Tmux();
  sessions.push(tmux);
  tmux.start(['node', GATOR, 'run', spec, '--progress', '-j', '8', '--tracking', path.join(dir, 'tracking')], { width: 110, height: 40, cwd: dir });
  // A capture can fall between two chunks of one frame; wait for a screen with a whole frame.
  const wholeFrame = (s: string): boolean => {
    const lines = s.replace(/\n+$/, '').split('\n');
    return (
      /▼ Failed jobs \(\d+, newest first\)/.test(s) &&
      /▼ Running jobs \(\d+, longest first\)/.test(s) &&
      /^✔ \d+ passed {2}✘ \d+ failed {2}▶ \d+ running {2}◦ \d+ pending {2}⊘ 0 aborted {2}of 200$/.test(lines.at(-1) ?? '') &&
      /^━+ +\d+% {2}\d+s elapsed/.test(lines.at(-2) ?? '') &&
      // The reason's wording depends on what the runner saw first (exit code or error count).
      /\n {2}✘ top\.regress\.seed_\d+ {2}.*(assertion failed: fifo overflow at cycle \d+|corrupt ␛\[31mred␛\[0m packet)\n {4}gator replay \S+ --job top\.regress\.seed_\d+\n/.test(
        s,
      )
    );
  };
  await tmux.waitFor(wholeFrame, 'a whole frame of the panel with failed and running jobs');

  assert.equal(await tmux.exitCode(), 1);
  const history = tmux.capture({ history: true });
  assert.equal(debris(history), undefined, history);
  for (let i = 0; i < 200; i += 1) {
    const ends = history.split('\n').filter((l) => new RegExp(`^\\d\\d:\\d\\d:\\d\\d (PASS|FAIL) +top\\.regress\\.seed_${i}: `).test(l));
    assert.equal(ends.length, 1, `seed_${i} ended once:\n${history}`);
  }
  assert.match(history, new RegExp(`\\n✘ ${fifoFailures(200)} jobs failed with \`assertion failed: fifo overflow at cycle <n>\`\\n`));
  assert.match(history, /\nDatabase: \S+run\.sqlite\n__EXIT=1__/);
  assert.deepEqual(tmux.flags(), { cursorVisible: true, wrap: true });
});

test('gator run --progress: Ctrl+C mid-run leaves the cursor visible and no debris', { skip: skipTty }, async () => {
  const { dir, spec } = writeRegression(400);
  const tmux = new Tmux();
  sessions.push(tmux);
  tmux.start(['node', GATOR, 'run', spec, '--progress', '--all-msg', '-j', '8', '--tracking', path.join(dir, 'tracking')], {
    width: 100,
    height: 30,
    cwd: dir,
  });
  await tmux.waitFor((s) => /✔ [1-9]\d* passed/.test(s), 'the panel');
  tmux.keys('C-c');
  assert.equal(await tmux.exitCode(), 130);
  assert.deepEqual(tmux.flags(), { cursorVisible: true, wrap: true });
  const history = tmux.capture({ history: true });
  assert.equal(debris(history), undefined, history);
});

test('gator run piped: no escape sequence anywhere; --json parses and matches the database', { skip: built ? false : 'the CLI is not built' }, async () => {
  const { dir, spec } = writeRegression(40);
  const { NO_COLOR: _n, FORCE_COLOR: _f, ...env } = process.env;
  const plain = await gator(['run', spec, '--progress', '--status-interval', '0.5', '-j', '8', '--tracking', path.join(dir, 't1')], { cwd: dir, env });
  assert.equal(plain.code, 1, plain.stderr);
  assert.doesNotMatch(plain.stdout + plain.stderr, ESCAPE);
  assert.match(plain.stdout, /FAIL +top\.regress\.seed_7: .*corrupt ␛\[31mred␛\[0m packet/);

  const json = await gator(['run', spec, '--json', '-j', '8', '--tracking', path.join(dir, 't2')], { cwd: dir, env });
  assert.equal(json.code, 1, json.stderr);
  assert.doesNotMatch(json.stderr, ESCAPE);
  const report = JSON.parse(json.stdout) as {
    dbPath: string;
    totals: { total: number; passed: number; failed: number };
    failures: { jobs: number; buckets: { signature: string; count: number; paths: string[] }[] };
  };
  assert.match(json.stderr, /\nSummary +jobs/);
  const db = openDb(report.dbPath);
  try {
    const count = (result: string): number =>
      db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM jobs WHERE kind = 'job' AND result = ?").get(result)?.n ?? -1;
    assert.equal(report.totals.total, 40);
    assert.equal(report.totals.passed, count('success'));
    assert.equal(report.totals.failed, count('failure'));
    assert.equal(report.failures.jobs, fifoFailures(40) + escapeFailures(40));
    const fifo = report.failures.buckets.find((b) => b.signature === 'assertion failed: fifo overflow at cycle <n>');
    assert.equal(fifo?.count, fifoFailures(40));
    const failedPaths = db
      .prepare<[], { path: string }>("SELECT path FROM jobs WHERE kind = 'job' AND result = 'failure' ORDER BY path")
      .all()
      .map((r) => r.path);
    assert.deepEqual(report.failures.buckets.flatMap((b) => b.paths).sort(), failedPaths);
  } finally {
    db.close();
  }
});
