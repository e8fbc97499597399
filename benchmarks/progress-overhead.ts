// What the live progress panel costs a run: `gator run` of N short jobs (`true`) on a pseudo-
// terminal with --progress and without, alternated, several runs each; the ratio of the median
// wall times is the overhead (target < 5%). Markdown on stdout (benchmarks/run.ts appends it to
// RESULTS.md), progress on stderr. Not part of `npm test`.
//
//   node --import tsx benchmarks/progress-overhead.ts [--quick] [--jobs 20000] [--runs 5]
//
// Both variants run under `script` (util-linux), so both write to a real terminal and differ
// only by the flag; the terminal's output is drained and counted, never shown.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { EventEmitter } from 'node:events';
import { createRunConsole } from '../console/index.js';
import { LiveView } from '../console/live-view.js';
import { PANEL_LIMITS, renderPanel } from '../console/panel.js';
import { ProgressModel } from '../console/progress-model.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const GATOR = path.join(ROOT, 'bin', 'gator.js');
const TARGET = 0.05;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    jobs: { type: 'string' },
    runs: { type: 'string' },
  },
});
const jobs = Number(values.jobs ?? (values.quick ? 2000 : 20000));
const runs = Number(values.runs ?? (values.quick ? 3 : 5));
const log = (line: string): void => void process.stderr.write(`[progress-overhead] ${line}\n`);

const quote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

interface Sample {
  readonly seconds: number;
  readonly bytes: number;
  readonly exitCode: number | null;
}

/** One run on a fresh 120×40 pseudo-terminal; resolves with its wall time and terminal bytes. */
const runOnce = (spec: string, progress: boolean, work: string): Promise<Sample> =>
  new Promise((resolve, reject) => {
    const tracking = mkdtempSync(path.join(work, 'run-'));
    const gator = ['node', GATOR, 'run', spec, '--tracking', tracking, ...(progress ? ['--progress'] : [])].map(quote).join(' ');
    const inner = `stty cols 120 rows 40; ${gator}`;
    const { NO_COLOR: _n, FORCE_COLOR: _f, ...env } = process.env;
    const started = process.hrtime.bigint();
    const child = spawn('script', ['-qefc', inner, '/dev/null'], { cwd: work, env: { ...env, TERM: 'xterm-256color' }, stdio: ['ignore', 'pipe', 'inherit'] });
    let bytes = 0;
    child.stdout.on('data', (chunk: Buffer) => (bytes += chunk.length));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // A failed run keeps its database for a look with `gator query`.
      if (exitCode === 0) rmSync(tracking, { recursive: true, force: true });
      else log(`kept the failed run's tracking directory: ${tracking}`);
      resolve({ seconds, bytes, exitCode });
    });
  });

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** A terminal that swallows output: the console's own cost, without the terminal's. */
class NullTerminal extends EventEmitter {
  readonly isTTY = true;
  readonly columns = 120;
  readonly rows = 40;
  bytes = 0;
  write(chunk: string): boolean {
    this.bytes += chunk.length;
    return true;
  }
}

const cpuSeconds = (run: () => void): number => {
  const before = process.cpuUsage();
  run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
};

/** Feeds N jobs' events (start, a WARNING every 10th, end, 1 in 50 failing) through a console. */
const feedConsole = async (n: number, progress: boolean): Promise<number> => {
  const terminal = new NullTerminal();
  const run = await createRunConsole({
    stream: terminal as unknown as NodeJS.WriteStream,
    progress,
    color: true,
    verbose: false,
    quiet: false,
    allMessages: false,
    statusInterval: 10,
    env: { TERM: 'xterm-256color' },
  });
  const o = run.observer;
  const t0 = 1_700_000_000;
  const seconds = cpuSeconds(() => {
    o.runStarted?.({ ts: t0, jobCount: n, dbPath: '/tmp/run.sqlite', trackingDir: '/tmp' });
    for (let id = 0; id < n; id += 1) {
      const path = `bench.t_${id}`;
      o.jobStarted?.({ id, path, ts: t0 + id / 1000, pid: id, command: 'true' });
      if (id % 10 === 0) o.message?.({ jobId: id, path, ts: t0 + id / 1000, severity: 'WARNING', stream: 'stdout', text: 'careful' });
      const fails = id % 50 === 0;
      o.nodeEnded?.({
        id,
        path,
        kind: 'job',
        ts: t0 + id / 1000,
        result: fails ? 'failure' : 'success',
        duration: 0.01,
        exitCode: fails ? 1 : 0,
        signal: null,
        failure: fails ? 'exit' : null,
        firstError: null,
        jobs: 1,
        subtreeEnd: id,
        leaves: 1,
      });
    }
  });
  run.close();
  return seconds;
};

/** CPU seconds per frame of a panel over a 20,000-job run in mid-flight. */
const frameCost = (frames: number): number => {
  const model = new ProgressModel();
  const t0 = 1_700_000_000;
  model.runStarted({ ts: t0, jobCount: 20_000, dbPath: '/tmp/run.sqlite' });
  for (let id = 0; id < 10_000; id += 1) {
    model.jobStarted({ id, path: `bench.t_${id}`, ts: t0 + id / 1000, pid: id, command: 'true' });
    if (id < 9_900)
      model.nodeEnded({
        id,
        path: `bench.t_${id}`,
        kind: 'job',
        ts: t0 + id / 1000,
        result: id % 50 === 0 ? 'failure' : 'success',
        duration: 0.01,
        exitCode: 0,
        signal: null,
        failure: id % 50 === 0 ? 'exit' : null,
        firstError: 'boom',
        jobs: 1,
        subtreeEnd: id,
        leaves: 1,
      });
  }
  const terminal = new NullTerminal();
  const view = new LiveView({
    stream: terminal as unknown as NodeJS.WriteStream,
    render: (width, height) => renderPanel(model.snapshot(t0 + 20, PANEL_LIMITS), { width, height, color: true }),
  });
  view.start();
  const seconds = cpuSeconds(() => {
    for (let i = 0; i < frames; i += 1) view.frame(true);
  });
  view.stop();
  return seconds / frames;
};

const repeat = async (times: number, measure: () => Promise<number>): Promise<number[]> => {
  const results: number[] = [];
  for (let i = 0; i < times; i++) results.push(await measure());
  return results;
};

const consoleAlone = async (plainRunSeconds: number): Promise<string> => {
  const n = 20_000;
  await feedConsole(2000, true); // warm up the JIT for both
  await feedConsole(2000, false);
  const plain = median(await repeat(5, () => feedConsole(n, false)));
  const progress = median(await repeat(5, () => feedConsole(n, true)));
  const frame = median([1, 2, 3].map(() => frameCost(500)));
  const fps = 8;
  const implied = (fps * frame * plainRunSeconds + Math.max(0, progress - plain)) / plainRunSeconds;
  return [
    `#### The console alone (in-process, CPU time, ${n.toLocaleString('en-US')} jobs, medians of 5)`,
    '',
    '| measure | value |',
    '|---|---|',
    `| feed all events, plain console | ${(plain * 1000).toFixed(1)} ms (${((plain / n) * 1e6).toFixed(2)} µs/job) |`,
    `| feed all events, live panel (lines queued per frame) | ${(progress * 1000).toFixed(1)} ms (${((progress / n) * 1e6).toFixed(2)} µs/job) |`,
    `| one panel frame (render + erase + write) | ${(frame * 1e6).toFixed(0)} µs |`,
    `| implied CPU overhead at ${fps} frames/s over a ${plainRunSeconds.toFixed(1)} s run | ${(implied * 100).toFixed(2)}% of one core |`,
    '',
  ].join('\n');
};

const main = async (): Promise<number> => {
  if (!existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) {
    log('the CLI is not built: run `npm run build` first');
    return 2;
  }
  if (spawnSync('script', ['--version']).status !== 0) {
    log('`script` (util-linux) is missing: it provides the pseudo-terminal');
    return 2;
  }
  const work = mkdtempSync(path.join(tmpdir(), 'gator-progress-bench-'));
  const spec = path.join(work, 'short-jobs.yaml');
  writeFileSync(spec, `!JobArray\n  id: bench\n  repeats: ${jobs}\n  jobs:\n  - !Job\n      id: t\n      command: "true"\n`);
  const samples: Record<'plain' | 'progress', Sample[]> = { plain: [], progress: [] };
  try {
    // Alternated (plain, progress, plain, …) so drift in the machine's load hits both alike.
    for (let i = 0; i < runs; i += 1) {
      for (const variant of i % 2 === 0 ? (['plain', 'progress'] as const) : (['progress', 'plain'] as const)) {
        const sample = await runOnce(spec, variant === 'progress', work);
        if (sample.exitCode !== 0) throw new Error(`${variant} run ${i + 1} exited with ${sample.exitCode}`);
        samples[variant].push(sample);
        log(`${variant} run ${i + 1}/${runs}: ${sample.seconds.toFixed(2)} s, ${(sample.bytes / 1e6).toFixed(1)} MB to the terminal`);
      }
    }
  } catch (error) {
    log(`the work directory is kept: ${work}`);
    throw error;
  }
  rmSync(work, { recursive: true, force: true });
  const plain = median(samples.plain.map((s) => s.seconds));
  const progress = median(samples.progress.map((s) => s.seconds));
  const overhead = progress / plain - 1;
  const row = (name: string, list: readonly Sample[]): string => {
    const times = list.map((s) => s.seconds);
    return `| ${name} | ${list.length} | ${median(times).toFixed(2)} | ${Math.min(...times).toFixed(2)}–${Math.max(...times).toFixed(2)} | ${(median(list.map((s) => s.bytes)) / 1e6).toFixed(1)} |`;
  };
  process.stdout.write(
    [
      `### Progress panel overhead (${jobs.toLocaleString('en-US')} jobs of \`true\`, ${runs} alternated runs each, on a pseudo-terminal)`,
      '',
      '| variant | runs | median wall (s) | min–max (s) | terminal output (MB) |',
      '|---|---|---|---|---|',
      row('`gator run`', samples.plain),
      row('`gator run --progress`', samples.progress),
      '',
      `Overhead of --progress: **${(overhead * 100).toFixed(1)}%** (ratio of medians ${(progress / plain).toFixed(3)}); target < ${TARGET * 100}%: **${overhead < TARGET ? 'met' : 'missed'}**.`,
      '',
      await consoleAlone(plain),
    ].join('\n'),
  );
  return 0;
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
