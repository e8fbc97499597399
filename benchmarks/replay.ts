// How fast is the run database to read back? Builds a run with 2,000,000 messages straight from
// the schema DDL (500 arrayed jobs, 16 at a time, lines interleaved and slightly out of time
// order as a real run stores them), then measures:
//   - `gator replay RUN > /dev/null`: lines per second, wall clock and per CPU second;
//   - one job's ERROR lines through the `messages` view: query latency.
// Prints a markdown table. Run `npm run build` first; not part of `npm test`.
//
//   node --import tsx benchmarks/replay.ts [--messages N] [--runs N] [--fresh]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openRunDatabase } from '../storage/readers/open-run.js';
import { prepareUserQuery } from '../storage/readers/user-query.js';
import { Severity, Stream } from '../vocabulary/codes.js';
import { prng, RunDbBuilder } from '../test/helpers/make-run-db.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WORK = join(ROOT, 'benchmarks', '.work');
const GATOR = join(ROOT, 'bin', 'gator.js');

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const MESSAGES = arg('--messages', 2_000_000);
const RUNS = arg('--runs', 3);
const JOBS = 500;
const CONCURRENT = 16;
const START = 1_700_000_000;

/** The probe job whose ERROR lines the latency test reads. */
const PROBE_PATH = 'regress.sims.sim_250';

function buildRun(file: string): void {
  rmSync(file, { force: true });
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
  const b = new RunDbBuilder(file, { id: 'bench', specPath: '/bench/regress.yaml', startedAt: START });
  const top = b.group(null, 'regress');
  b.job(top, 'build', { state: 'complete', result: 'success', exitCode: 0, startedAt: START, endedAt: START + 5 });
  const sims = b.array(top, 'sims');
  const perJob = Math.ceil(MESSAGES / JOBS);
  const jobs: number[] = [];
  for (let i = 0; i < JOBS; i++) {
    jobs.push(
      b.job(sims, `sim_${i}`, {
        state: 'complete',
        result: i % 17 === 0 ? 'failure' : 'success',
        exitCode: i % 17 === 0 ? 1 : 0,
        arrayIndex: i,
        env: { GATOR_ARRAY_INDEX: String(i), SEED: String(i * 7919) },
      }),
    );
  }
  const insert = b.db.prepare('INSERT INTO message (job_id, ts, severity, stream, text) VALUES (?, ?, ?, ?, ?)');
  const random = prng(42);
  let written = 0;
  b.db.transaction(() => {
    // Waves of CONCURRENT jobs; within a wave their lines interleave in batches of up to 64,
    // each batch's times a little behind the others' (the runner stores what arrives).
    for (let wave = 0; wave < JOBS && written < MESSAGES; wave += CONCURRENT) {
      const active = jobs.slice(wave, wave + CONCURRENT);
      const next = active.map(() => 0);
      const waveStart = START + 5 + (wave / CONCURRENT) * perJob * 0.002;
      let live = active.length;
      while (live > 0 && written < MESSAGES) {
        const k = Math.floor(random() * active.length);
        if ((next[k] as number) >= perJob) {
          live = next.filter((n) => n < perJob).length;
          continue;
        }
        const batch = Math.min(1 + Math.floor(random() * 64), perJob - (next[k] as number));
        const lag = random() * 0.2;
        for (let j = 0; j < batch && written < MESSAGES; j++) {
          const n = next[k] as number;
          const roll = random();
          const severity = roll < 0.002 ? Severity.ERROR : roll < 0.012 ? Severity.WARNING : Severity.INFO;
          const text =
            severity === Severity.ERROR
              ? `UVM_ERROR scoreboard.sv(212) @ ${n * 10}ns: mismatch exp=0x${((n * 2654435761) >>> 0).toString(16)} got=0x0`
              : `UVM_INFO driver.sv(88) @ ${n * 10}ns: [DRV] sent txn #${n} addr=0x${((n * 40503) >>> 0).toString(16).padStart(8, '0')}`;
          insert.run(active[k], waveStart + n * 0.002 - lag, severity, severity === Severity.ERROR ? Stream.stderr : Stream.stdout, text);
          next[k] = n + 1;
          written++;
        }
      }
    }
  })();
  b.db.exec(`UPDATE node SET msg_info = (SELECT count(*) FROM message WHERE job_id = node.id)`);
  b.finish(START + 5 + (JOBS / CONCURRENT) * perJob * 0.002, 'failure', 1);
  b.close();
}

const messageCount = (file: string): number => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM message').pluck().get() as number;
  } finally {
    db.close();
  }
};

/** Runs `gator replay FILE > /dev/null`; wall seconds and the child's CPU seconds. */
async function timeReplay(file: string): Promise<{ wall: number; cpu: number }> {
  const devNull = openSync('/dev/null', 'w');
  // A preloaded module reports the child's own CPU time when it exits.
  const report = 'data:text/javascript,process.on("exit",()=>{const c=process.cpuUsage();process.stderr.write("cpu-us "+(c.user+c.system)+"\\n")})';
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', report, GATOR, 'replay', file], {
    stdio: ['ignore', devNull, 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const wall = (performance.now() - started) / 1000;
  closeSync(devNull);
  if (code !== 0) throw new Error(`gator replay exited with ${code}: ${stderr}`);
  const cpu = Number(stderr.match(/cpu-us (\d+)/)?.[1] ?? NaN) / 1e6;
  return { wall, cpu };
}

/** One job's ERROR lines through the public view, as a user's query would ask. */
function timeErrorQuery(file: string): { ms: number; rows: number } {
  const db = openRunDatabase(file);
  try {
    const sql = `SELECT ts, text FROM messages WHERE job_id = (SELECT id FROM jobs WHERE path = '${PROBE_PATH}') AND severity = 'ERROR' ORDER BY ts, id`;
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < 7; i++) {
      const started = performance.now();
      rows = [...prepareUserQuery(db, sql).rows()].length;
      times.push(performance.now() - started);
    }
    return { ms: median(times), rows };
  } finally {
    db.close();
  }
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('run `npm run build` first');
  mkdirSync(WORK, { recursive: true });
  const file = join(WORK, `replay-${MESSAGES}.sqlite`);
  const fresh = process.argv.includes('--fresh') || !existsSync(file) || messageCount(file) !== MESSAGES;
  if (fresh) {
    const started = performance.now();
    buildRun(file);
    process.stderr.write(`built ${file} (${MESSAGES.toLocaleString('en')} messages) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  const load = loadavg()[0] ?? 0;
  const replays: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < RUNS; i++) replays.push(await timeReplay(file));
  const wall = median(replays.map((r) => r.wall));
  const cpu = median(replays.map((r) => r.cpu));
  const query = timeErrorQuery(file);
  const perWall = MESSAGES / wall;
  const perCpu = MESSAGES / cpu;
  const rows = [
    [
      '`gator replay > /dev/null`, lines/s (wall, median of ' + RUNS + ')',
      Math.round(perWall).toLocaleString('en'),
      '≥ 1,000,000',
      perWall >= 1e6 ? 'yes' : 'no',
    ],
    ['`gator replay > /dev/null`, lines per CPU second', Math.round(perCpu).toLocaleString('en'), '', ''],
    ['`gator replay` wall time, s (process start included)', wall.toFixed(2), '', ''],
    [`one job's ERROR lines via \`messages\` (${query.rows} rows), ms`, query.ms.toFixed(1), '< 100', query.ms < 100 ? 'yes' : 'no'],
  ];
  const out = [
    `Replay benchmark: ${MESSAGES.toLocaleString('en')} messages, ${JOBS} jobs; load average ${load.toFixed(2)} on ${(await import('node:os')).availableParallelism()} CPUs when it started.`,
    '',
    '| measure | value | target | met |',
    '|---|---:|---|---|',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
  ];
  process.stdout.write(out.join('\n'));
}

await main();
