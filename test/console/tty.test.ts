// The console under a real pseudo-terminal (tmux), driven by the synthetic-run fixture: the live
// panel, a screen with no debris after the run, Ctrl+C in the middle of redraws, NO_COLOR.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Tmux, tmuxAvailable } from '../helpers/console/tmux.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DRIVE = ['node', '--import', 'tsx', path.join(ROOT, 'test/helpers/console/drive.ts')];
const skip = tmuxAvailable() ? false : 'tmux is not installed (apt-get install -y tmux)';

const sessions: Tmux[] = [];
const open = (): Tmux => {
  const tmux = new Tmux();
  sessions.push(tmux);
  return tmux;
};
after(() => {
  for (const tmux of sessions) tmux.kill();
});

/** Lines only the panel draws; none may remain on the screen once it is gone. */
const PANEL_DEBRIS = [/▼ (Failed|Running) jobs/, /━/, /◦ \d+ pending/, / elapsed/, /… and \d+ more \(all in the report/];
const hasDebris = (screen: string): string | undefined => screen.split('\n').find((line) => PANEL_DEBRIS.some((pattern) => pattern.test(line)));

const livePanel = (screen: string): boolean =>
  /▼ Failed jobs \(\d+, newest first\)/.test(screen) && /▼ Running jobs \(\d+, longest first\)/.test(screen) && /✔ \d+ passed/.test(screen);

/** What is wrong with a mid-run screen: log lines above; failed, running, bar, counters below. */
const layoutProblem = (screen: string): string | null => {
  const lines = screen.replace(/\n+$/, '').split('\n');
  const failedAt = lines.findIndex((l) => /^▼ Failed jobs/.test(l));
  const runningAt = lines.findIndex((l) => /^▼ Running jobs/.test(l));
  const checks: [boolean, string][] = [
    [failedAt > 0 && runningAt > failedAt, 'failed section above the running section'],
    [/^ {2}✘ top\.\S+ {2}exit code \d/.test(lines[failedAt + 1] ?? ''), 'a failed job with its reason'],
    [/^ {4}gator replay \S+run\.sqlite --job top\.\S+$/.test(lines[failedAt + 2] ?? ''), 'its replay command'],
    [lines.slice(runningAt + 1, -2).every((l) => /^ +\d+s {2}top\.\S+$|^ {2}… and \d+ more$/.test(l)), 'running jobs with how long'],
    [/^━+ +\d+% {2}\d+s elapsed/.test(lines.at(-2) ?? ''), 'the bar'],
    [/^✔ \d+ passed {2}✘ \d+ failed {2}▶ \d+ running {2}◦ \d+ pending {2}⊘ \d+ aborted {2}of 200$/.test(lines.at(-1) ?? ''), 'the counters last'],
    [lines.slice(0, failedAt).every((l) => /^\d\d:\d\d:\d\d [A-Z]+ +\S+: /.test(l)), 'only log lines above the panel'],
  ];
  return checks.find(([ok]) => !ok)?.[1] ?? null;
};

test('a 200-job run with failures: the live panel, then the log, the report and no debris', { skip }, async () => {
  const tmux = open();
  tmux.start([...DRIVE, '--jobs', '200', '--duration-ms', '300', '--concurrency', '8', '--progress'], { width: 100, height: 40, cwd: ROOT });

  // A "screenshot" mid-run: log lines scroll above the panel, which is pinned at the bottom.
  // tmux may read a frame in two chunks, so a capture can fall between them: the layout is
  // checked on screens until one shows a whole frame (a broken layout never does: timeout).
  const screen = await tmux.waitFor((s) => livePanel(s) && layoutProblem(s) === null, 'a whole frame of the panel');
  assert.equal(layoutProblem(screen), null);
  assert.equal(tmux.flags().cursorVisible, false, 'the cursor is hidden while the panel draws');

  // The terminal gets narrower mid-run: the panel re-fits and leaves nothing behind.
  tmux.resize(64, 40);
  const panelLines = (s: string): string[] =>
    s
      .replace(/\n+$/, '')
      .split('\n')
      .slice(s.split('\n').findIndex((l) => /^▼ Failed jobs/.test(l)));
  const refitted = await tmux.waitFor(
    (s) => livePanel(s) && panelLines(s).every((l) => l.length <= 63) && panelLines(s).some((l) => /^━/.test(l) && l.length < 90),
    'the panel to re-fit 64 columns',
  );
  assert.match(panelLines(refitted).at(-1) ?? '', /^✔ \d+ passed .*…$/, 'the counters are cut to the width');

  assert.equal(await tmux.exitCode(), 1);
  const history = tmux.capture({ history: true });
  assert.equal(hasDebris(history), undefined, history);
  for (let i = 0; i < 193; i += 1) {
    const ends = history.split('\n').filter((l) => new RegExp(`^\\d\\d:\\d\\d:\\d\\d (PASS|FAIL) +top\\.regress\\.seed_${i}: `).test(l));
    assert.equal(ends.length, 1, `seed_${i} ended once on screen`);
  }
  assert.match(history, /FAIL +gator: run failed in [^:]+: 200 jobs, \d+ passed, \d+ failed, 3 aborted\nFailed: top\.smoke\.check_1 top\.regress\.seed_\{/);
  assert.match(history, /\nSummary +jobs +passed +failed/);
  assert.match(history, /\n✘ \d+ jobs failed with `assertion failed: fifo overflow at cycle <n> \(seed <n>\)`\n/);
  assert.match(history, /\nDatabase: \S+run\.sqlite\n__EXIT=1__/);
  assert.deepEqual(tmux.flags(), { cursorVisible: true, wrap: true });
});

for (const variant of [
  { name: 'the run handles Ctrl+C (graceful stop)', args: ['--sigint'], presses: 1 },
  { name: 'a second Ctrl+C ends the process at once (process.exit)', args: ['--sigint'], presses: 2 },
  { name: 'nothing handles Ctrl+C (the signal kills the process)', args: [], presses: 1 },
]) {
  test(`Ctrl+C in the middle of redraws leaves the terminal as it was: ${variant.name}`, { skip }, async () => {
    const tmux = open();
    // 60 frames a second and every message shown, so the signal lands while frames are written.
    tmux.start([...DRIVE, '--jobs', '5000', '--duration-ms', '400', '--concurrency', '16', '--progress', '--all-msg', '--fps', '60', ...variant.args], {
      width: 90,
      height: 30,
      cwd: ROOT,
    });
    await tmux.waitFor((s) => /✔ \d+ passed/.test(s) && /▼ Running jobs/.test(s), 'the panel');
    assert.equal(tmux.flags().cursorVisible, false);
    for (let i = 0; i < variant.presses; i += 1) tmux.keys('C-c');
    assert.equal(await tmux.exitCode(), 130);
    assert.deepEqual(tmux.flags(), { cursorVisible: true, wrap: true });
    const history = tmux.capture({ history: true });
    assert.equal(hasDebris(history), undefined, history);
    if (variant.presses === 1 && variant.args.length > 0) assert.match(history, /STOP +gator: run interrupted in /);
  });
}

test('NO_COLOR=1 on a terminal: the panel draws, with no colour anywhere', { skip }, async () => {
  const colourless = open();
  colourless.start([...DRIVE, '--jobs', '60', '--duration-ms', '150', '--progress'], { width: 100, height: 40, cwd: ROOT, env: { NO_COLOR: '1' } });
  const panel = await colourless.waitFor((s) => /✔ [1-9]\d* passed/.test(s), 'the panel');
  assert.match(panel, /\n[X#]+[-#>.]* +\d+% /, 'the bar has glyphs that need no colour');
  assert.doesNotMatch(colourless.capture({ escapes: true }), /\u001b\[/);
  await colourless.exitCode();
  assert.doesNotMatch(colourless.capture({ history: true, escapes: true }), /\u001b\[/);

  // The same run without NO_COLOR does colour, so the check above can see colour when there is some.
  const coloured = open();
  coloured.start([...DRIVE, '--jobs', '30', '--duration-ms', '50', '--progress'], { width: 100, height: 40, cwd: ROOT });
  await coloured.exitCode();
  assert.match(coloured.capture({ history: true, escapes: true }), /\u001b\[[0-9;]*m/);
});
