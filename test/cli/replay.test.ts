// `gator replay` through the built CLI (`npm run build` first).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { formatMessageLine } from '../../console/line-format.js';
import { clock } from '../../console/line-format.js';
import { Severity } from '../../vocabulary/codes.js';
import {
  gator,
  gatorAsync,
  makeStandardRun,
  prng,
  readAllMessages,
  RunDbBuilder,
  startLiveWriter,
  tempDir,
  waitFor,
  type StandardRun,
} from '../helpers/make-run-db.js';

const dir = tempDir('gator-cli-replay-');
after(() => rmSync(dir, { recursive: true, force: true }));
const finished = join(dir, 'finished.sqlite');
const run = makeStandardRun(finished, 'finished');

type Message = StandardRun['messages'][number];
const lines = (messages: readonly Message[], color = false): string =>
  messages.map((m) => `${formatMessageLine({ ts: m.ts, severity: m.severity, path: m.path, text: m.text }, { color })}\n`).join('');

describe('gator replay', () => {
  it("prints exactly the messages in the database, in time order, in the live console's format", () => {
    const { status, stdout, stderr } = gator(['replay', finished]);
    assert.equal(stderr, '');
    assert.equal(status, 0);
    assert.equal(stdout, lines(run.messages));
    assert.equal(stdout.split('\n').length - 1, readAllMessages(finished).length);
  });

  it('orders a large, interleaved run exactly (several chunks, read on a worker thread)', () => {
    const file = join(dir, 'large.sqlite');
    const b = new RunDbBuilder(file, { id: 'large', specPath: '/x.yaml', startedAt: 1_000 });
    const top = b.group(null, 'top');
    const jobs = Array.from({ length: 8 }, (_, i) => b.job(top, `j${i}`));
    const random = prng(5);
    // Batches of one job's lines, each batch stored a little late, some lines with a newline.
    const rows: { jobId: number; ts: number; text: string; severity: 'INFO' | 'ERROR' }[] = [];
    while (rows.length < 150_000) {
      const jobId = jobs[Math.floor(random() * jobs.length)] as number;
      const lag = random() * 0.5;
      for (let j = 0; j < 1 + Math.floor(random() * 50); j++) {
        const n = rows.length;
        rows.push({
          jobId,
          ts: 1_000 + Math.round((n * 0.001 - lag) * 1000) / 1000,
          text: n === 70_000 ? 'two\nlines' : `line ${n}`,
          severity: n % 97 === 0 ? 'ERROR' : 'INFO',
        });
      }
    }
    b.interleaved(rows);
    b.finish(2_000, 'success', 0);
    b.close();
    const { status, stdout } = gator(['replay', file]);
    assert.equal(status, 0);
    assert.ok(stdout === lines(readAllMessages(file)), 'same lines in the same order');
  });

  it('colours only when asked or on a terminal, and never with NO_COLOR', () => {
    assert.equal(gator(['replay', finished, '--color']).stdout, lines(run.messages, true));
    assert.equal(gator(['replay', finished], { env: { NO_COLOR: undefined, FORCE_COLOR: undefined } }).stdout, lines(run.messages), 'not a terminal');
    assert.doesNotMatch(gator(['replay', finished], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } }).stdout, /\u001b\[/);
  });

  it('combines filters: job glob, severity, grep, stream and time', () => {
    const t0 = run.startedAt;
    const cases: [string[], (m: Message) => boolean][] = [
      [['--job', 'top.sims.*'], (m) => m.path.startsWith('top.sims.')],
      [['--job', 'top.lint'], (m) => m.path.startsWith('top.lint.')],
      [['--job', '**.sim_5', '--job', 'top.build'], (m) => m.path === 'top.sims.sim_5' || m.path === 'top.build'],
      [['--severity', 'warning'], (m) => Severity[m.severity] >= Severity.WARNING],
      [['--grep', 'cycle [25]\\d00 '], (m) => /cycle [25]\d00 /.test(m.text)],
      [['--grep', 'ASSERTION', '-i'], (m) => /assertion/i.test(m.text)],
      [['--stream', 'stderr'], (m) => m.stream === 'stderr'],
      [['--stream', 'runtime,stderr'], (m) => m.stream === 'runtime' || m.stream === 'stderr'],
      [['--since', String(t0 + 10), '--until', String(t0 + 12)], (m) => m.ts >= t0 + 10 && m.ts <= t0 + 12],
      [['--since', clock(t0 + 30)], (m) => m.ts >= Math.floor(t0 + 30)],
      [['--since', '+10s', '--until', '50s'], (m) => m.ts >= t0 + 10 && m.ts <= t0 + 10],
      [
        ['--job', 'top.sims.*', '--severity', 'INFO', '--grep', '00 ok', '--stream', 'stdout', '--since', '+8s', '--until', '+14s'],
        (m) =>
          m.path.startsWith('top.sims.') &&
          Severity[m.severity] >= Severity.INFO &&
          /00 ok/.test(m.text) &&
          m.stream === 'stdout' &&
          m.ts >= t0 + 8 &&
          m.ts <= t0 + 14,
      ],
    ];
    for (const [args, keep] of cases) {
      const want = run.messages.filter(keep);
      const { status, stdout, stderr } = gator(['replay', finished, ...args]);
      assert.equal(stderr, '', args.join(' '));
      assert.equal(status, 0, args.join(' '));
      assert.equal(stdout, lines(want), args.join(' '));
    }
  });

  it('writes JSON Lines for machines', () => {
    const { stdout } = gator(['replay', finished, '--jsonl', '--job', 'top.lint.style']);
    const records = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    assert.deepEqual(
      records,
      run.messages
        .filter((m) => m.path === 'top.lint.style')
        .map((m) => ({ ts: m.ts, path: m.path, job_id: m.jobId, severity: m.severity, stream: m.stream, text: m.text })),
    );
  });

  it('re-plays with the original gaps, scaled by --speed', () => {
    const file = join(dir, 'gaps.sqlite');
    const b = new RunDbBuilder(file, { id: 'gaps', specPath: '/x.yaml', startedAt: 100 });
    const job = b.job(null, 'slow');
    b.messages(job, [
      { ts: 100, text: 'one' },
      { ts: 101, text: 'two' },
      { ts: 103, text: 'three' },
    ]);
    b.finish(104, 'success', 0);
    b.close();
    const started = Date.now();
    const { stdout } = gator(['replay', file, '--speed', '10']);
    assert.equal(stdout, lines(readAllMessages(file)));
    // 3 s of gaps at 10× is at least 0.3 s; no upper bound, the machine may be busy.
    assert.ok(Date.now() - started >= 300);
    assert.equal(gator(['replay', file, '--realtime', '--max-gap', '0.01']).stdout, stdout);
  });

  it('rejects bad filters with one line and exit 2', () => {
    for (const [args, message] of [
      [['--severity', 'LOUD'], /^error: option '--severity <level>' argument 'LOUD' is invalid/],
      [['--job', 'top.nothing'], /^gator: --job top\.nothing: no job in this run matches\n$/],
      [['--since', 'tomorrowish'], /^gator: --since 'tomorrowish': expected/],
      [['--grep', '('], /^gator: --grep: Invalid regular expression/],
    ] as const) {
      const { status, stderr, stdout } = gator(['replay', finished, ...args]);
      assert.equal(status, 2, args.join(' '));
      assert.equal(stdout, '');
      assert.match(stderr, message);
      assert.equal(stderr.trimEnd().split('\n').length, 1, 'one line');
    }
  });

  it('ends quietly when its reader goes away (| head)', async () => {
    const file = join(dir, 'many.sqlite');
    const b = new RunDbBuilder(file, { id: 'many', specPath: '/x.yaml', startedAt: 0 });
    const job = b.job(null, 'chatty');
    b.messages(
      job,
      Array.from({ length: 200_000 }, (_, i) => ({ ts: i / 1000, text: `line ${i} ${'x'.repeat(40)}` })),
    );
    b.finish(200, 'success', 0);
    b.close();
    const replay = gatorAsync(['replay', file]);
    await waitFor(() => replay.output().stdout.length > 0, 'the first lines');
    replay.child.stdout.destroy();
    const { status, stderr } = await replay.exited;
    assert.equal(stderr, '');
    assert.equal(status, 0);
  });

  it("with --follow, shows new lines of a live run as they come and exits with the run's code", async () => {
    const file = join(dir, 'live.sqlite');
    const writer = await startLiveWriter(file);
    const follow = gatorAsync(['replay', file, '--follow', '--job', 'top.sims.sim_4']);
    try {
      await waitFor(() => follow.output().stdout.includes('INFO     top.sims.sim_4: tick '), 'ticks of the live job');
      writer.say('hello from the test');
      await waitFor(() => follow.output().stdout.includes('top.sims.sim_4: hello from the test\n'), 'the new line');
      await writer.finish(3);
    } finally {
      if (writer.child.exitCode === null) await writer.kill();
    }
    const { status, stdout, stderr } = await follow.exited;
    assert.equal(stderr, '');
    assert.equal(status, 3);
    // Everything the database holds for the job was printed once, in arrival order after the start.
    const all = readAllMessages(file).filter((m) => m.path === 'top.sims.sim_4');
    assert.equal(stdout.split('\n').length - 1, all.length);
    assert.deepEqual(new Set(stdout.trimEnd().split('\n')), new Set(lines(all).trimEnd().split('\n')));
  });

  it('with --follow, exits 1 with a note when the runner is killed', async () => {
    const file = join(dir, 'killed.sqlite');
    const writer = await startLiveWriter(file);
    const follow = gatorAsync(['replay', file, '--follow']);
    await waitFor(() => follow.output().stdout.includes('tick '), 'ticks');
    await writer.kill();
    const { status, stderr } = await follow.exited;
    assert.equal(status, 1);
    assert.match(stderr, /^gator: the run was cut off: its runner stopped without ending it/);
  });

  it('with --follow on a finished run, prints it all and exits with its code', () => {
    const { status, stdout } = gator(['replay', finished, '--follow']);
    assert.equal(status, 1);
    assert.equal(stdout, lines(run.messages));
  });

  it('replays a run cut off by a killed runner', async () => {
    const file = join(dir, 'cut.sqlite');
    const writer = await startLiveWriter(file);
    await writer.kill();
    const { status, stdout } = gator(['replay', file]);
    assert.equal(status, 0);
    assert.equal(stdout, lines(readAllMessages(file)));
  });
});
