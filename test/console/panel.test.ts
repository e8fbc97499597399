// The panel's cost per frame does not grow with the number of jobs, and it fits the terminal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stripVTControlCharacters as strip } from 'node:util';
import { widthOf } from '../../console/fit.js';
import { PANEL_LIMITS, renderPanel } from '../../console/panel.js';
import { ProgressModel } from '../../console/progress-model.js';
import { RunningSet } from '../../console/running-set.js';
import { failed, passed, started, T0 } from '../helpers/console/events.js';

const frame = (model: ProgressModel, now: number, width = 100, height = 40): { lines: string[]; work: number } => {
  const before = model.work;
  const lines = renderPanel(model.snapshot(now, PANEL_LIMITS), { width, height, color: true });
  return { lines, work: model.work - before };
};

test('running jobs come out longest-running first, in O(k)', () => {
  const set = new RunningSet();
  set.add({ id: 1, path: 'a', startedAt: 10 });
  set.add({ id: 2, path: 'b', startedAt: 12 });
  set.add({ id: 3, path: 'c', startedAt: 11 }); // started on another worker, reported a bit late
  set.add({ id: 4, path: 'd', startedAt: 13 });
  assert.deepEqual(
    set.oldest(10).map((j) => j.path),
    ['a', 'c', 'b', 'd'],
  );
  set.delete(1);
  set.delete(4);
  assert.deepEqual(
    set.oldest(10).map((j) => j.path),
    ['c', 'b'],
  );
  const before = set.work;
  set.oldest(1);
  assert.equal(set.work - before, 1);
  assert.equal(set.size, 2);
});

test('a frame costs the same for 100,000 running jobs as for 10 (work counted, not timed)', () => {
  const work = (jobs: number): number => {
    const model = new ProgressModel();
    model.runStarted({ ts: T0, jobCount: jobs, dbPath: '/tmp/run.sqlite' });
    for (let id = 0; id < jobs; id += 1) model.jobStarted(started(id, `top.arr.job_${id}`, T0 + id / 1000));
    for (let id = 0; id < 5; id += 1) model.nodeEnded(failed(id, `top.arr.job_${id}`));
    return frame(model, T0 + 200).work;
  };
  const small = work(10);
  const large = work(100_000);
  assert.equal(large, small);
  assert.ok(large <= PANEL_LIMITS.running + PANEL_LIMITS.failed, `work ${large}`);
});

test('a 100,000-job feed renders every frame with bounded work', () => {
  const model = new ProgressModel();
  const jobs = 100_000;
  model.runStarted({ ts: T0, jobCount: jobs, dbPath: '/tmp/run.sqlite' });
  const perFrame: number[] = [];
  for (let id = 0; id < jobs; id += 1) {
    const ts = T0 + id / 100;
    model.jobStarted(started(id, `top.arr.job_${id}`, ts));
    // 64 at a time in flight, one in 97 fails.
    if (id >= 64) {
      const done = id - 64;
      model.nodeEnded(done % 97 === 0 ? failed(done, `top.arr.job_${done}`, `boom ${done}`, ts) : passed(done, `top.arr.job_${done}`, ts));
    }
    if (id % 1000 === 999) {
      const f = frame(model, ts);
      perFrame.push(f.work);
    }
  }
  assert.equal(perFrame.length, 100);
  assert.ok(
    perFrame.every((w) => w <= PANEL_LIMITS.running + PANEL_LIMITS.failed),
    perFrame.join(','),
  );
  const last = strip(frame(model, T0 + 1000).lines.join('\n'));
  assert.match(last, /✘ 1031 failed/);
  assert.match(last, /▶ 64 running/);
  assert.match(last, /… and 59 more\n/);
});

test('the panel shows the bar, counters, running and failed jobs with their replay command', () => {
  const model = new ProgressModel();
  model.runStarted({ ts: T0, jobCount: 20, dbPath: '/tmp/run.sqlite' });
  for (let id = 1; id <= 8; id += 1) model.jobStarted(started(id, `top.r.s_${id}`, T0 + id));
  model.nodeEnded(passed(1, 'top.r.s_1'));
  model.nodeEnded(failed(2, 'top.r.s_2', 'first'));
  model.nodeEnded(failed(3, 'top.r.s_3', 'second \u001b[2J'));
  const { lines } = frame(model, T0 + 70);
  const text = strip(lines.join('\n'));
  assert.match(text, /▼ Failed jobs \(2, newest first\)/);
  assert.ok(text.indexOf('top.r.s_3') < text.indexOf('top.r.s_2'), 'newest failure first');
  assert.match(text, /second ␛\[2J/);
  assert.match(text, /gator replay \/tmp\/run\.sqlite --job top\.r\.s_3/);
  assert.match(text, /▼ Running jobs \(5, longest first\)\n.*1m06s.*top\.r\.s_4/);
  assert.match(text, /✔ 1 passed .*✘ 2 failed .*▶ 5 running .*◦ 12 pending .*⊘ 0 aborted .*of 20/);
  assert.match(strip(lines.at(-2) ?? ''), /━+ +15% {2}1m10s elapsed {2}~/);
});

test('every line fits the width and the panel fits the height, at any size', () => {
  const model = new ProgressModel();
  model.runStarted({ ts: T0, jobCount: 1000, dbPath: '/a/very/long/path/to/the/tracking/directory/run.sqlite' });
  for (let id = 1; id <= 50; id += 1) model.jobStarted(started(id, `top.group_with_a_long_name.array_of_things.job_${id}`));
  for (let id = 1; id <= 9; id += 1) model.nodeEnded(failed(id, `top.group_with_a_long_name.array_of_things.job_${id}`, 'x'.repeat(300)));
  for (const width of [20, 40, 80, 200]) {
    for (const height of [3, 8, 12, 24, 60]) {
      const { lines } = frame(model, T0 + 100, width, height);
      assert.ok(lines.length <= Math.max(1, height - 1), `${lines.length} lines at height ${height}`);
      for (const line of lines) assert.ok(widthOf(line) <= width - 1, `${widthOf(line)} > ${width - 1}: ${line}`);
    }
  }
});

test('the panel and the status line say what waiting jobs wait for', async () => {
  const { statusText } = await import('../../console/status-ticker.js');
  const model = new ProgressModel();
  model.runStarted({ ts: T0, jobCount: 20, dbPath: '/tmp/run.sqlite' });
  model.jobStarted(started(1, 'top.sims.sim_1', T0));
  const quiet = frame(model, T0 + 1).lines.map(strip);
  assert.ok(!quiet.some((line) => line.includes('waiting')), 'nothing waits: no line');
  model.waiting({
    total: 12,
    byPool: [
      ['license:VCS', 8],
      ['cores', 3],
      ['slots', 1],
    ],
  });
  const lines = frame(model, T0 + 1).lines.map(strip);
  assert.ok(lines.includes('⏸ 12 waiting: 8 for licence VCS, 3 for cores, 1 for a job slot (-j)'), lines.join('\n'));
  assert.match(
    statusText(model.snapshot(T0 + 1, { running: 0, failed: 0 })),
    /1 running, 19 pending \(12 waiting: 8 for licence VCS, 3 for cores, 1 for a job slot \(-j\)\)/,
  );
});
