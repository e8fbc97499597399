// The live panel under a real terminal (tmux) during a real run: jobs held back by a licence
// pool show as waiting, with the pool they wait for.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Tmux, tmuxAvailable } from '../helpers/console/tmux.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const skip = tmuxAvailable() ? false : 'tmux is not installed (apt-get install -y tmux)';
const dir = mkdtempSync(path.join(tmpdir(), 'gator-waiting-tty-'));
const sessions: Tmux[] = [];
after(() => {
  for (const tmux of sessions) tmux.kill();
  rmSync(dir, { recursive: true, force: true });
});

test('the live panel shows how many jobs wait and for which pool', { skip }, async () => {
  writeFileSync(
    path.join(dir, 'licences.yaml'),
    `!JobArray
  id: sims
  repeats: 8
  jobs: [!Job {id: sim, command: sleep, args: ["1"], resources: [!License [VCS, 1]]}]
`,
  );
  const tmux = new Tmux();
  sessions.push(tmux);
  tmux.start(['node', path.join(ROOT, 'bin/gator.js'), 'run', 'licences.yaml', '-j', '4', '--license', 'VCS=1', '--progress', '--tracking', 'tracking'], {
    width: 100,
    height: 30,
    cwd: dir,
  });
  const screen = await tmux.waitFor((s) => /⏸ \d+ waiting: \d+ for licence VCS/.test(s), 'the waiting line');
  const line = screen.split('\n').find((l) => l.startsWith('⏸')) ?? '';
  const [, total, forVcs] = /⏸ (\d+) waiting: (\d+) for licence VCS/.exec(line) ?? [];
  assert.ok(Number(total) >= 1 && Number(total) <= 7, line);
  assert.equal(forVcs, total, 'every waiting job waits for the licence');
  assert.equal(await tmux.exitCode(), 0);
});
