// What verdicts cost a run: (1) W2 (16 jobs printing `seq` lines) with `parsers: [uvm]` on every
// job against the same W2 without parsers, and the same with UVM-formatted lines (every line a
// UVM message: the parser's worst case), alternated, medians of lines/s; (2) metrics stored per
// second from one job, through each path a job has: `gator metric NAME VALUE` once per call (a
// Node process per call, against `node -e 0` per call as the floor), `gator metric` with many
// pairs per call, `gator metric -` reading stdin, the websocket API awaiting each reply as
// Gator's client does, and Python Gator's own protocol from Debian's python3-websockets. Every
// run is checked: every line and every metric value stored. Markdown on stdout
// (benchmarks/run.ts appends it to RESULTS.md), progress on stderr. Not part of `npm test`.
//
//   node --import tsx benchmarks/verdicts.ts [--quick] [--runs N] [--calls N]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const GATOR = path.join(ROOT, 'bin', 'gator.js');

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, runs: { type: 'string' }, calls: { type: 'string' } } });
const quick = values.quick;
const runs = Number(values.runs ?? (quick ? 2 : 5));
/** `gator metric` processes started one by one: each is a Node start-up, so keep it to minutes. */
const cliCalls = Number(values.calls ?? (quick ? 200 : 1000));
const W2_JOBS = 16;
const W2_LINES = quick ? 12_500 : 125_000;
const METRICS = 10_000;
const log = (line: string): void => void process.stderr.write(`[verdicts] ${line}\n`);

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const range = (xs: readonly number[], digits = 0): string =>
  `${Math.min(...xs).toLocaleString('en-US', { maximumFractionDigits: digits })}–${Math.max(...xs).toLocaleString('en-US', { maximumFractionDigits: digits })}`;
const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const work = mkdtempSync(path.join(tmpdir(), 'gator-verdicts-bench-'));
const bin = path.join(work, 'bin');
mkdirSync(bin);
symlinkSync(GATOR, path.join(bin, 'gator'));
const PATH = `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`;

/** Runs `gator run SPEC` to its end; its wall seconds and database. */
const gatorRun = (spec: string): Promise<{ seconds: number; db: string; code: number | null }> =>
  new Promise((resolve, reject) => {
    const tracking = mkdtempSync(path.join(work, 'run-'));
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [GATOR, 'run', spec, '--tracking', tracking, '--quiet'], {
      cwd: work,
      env: { ...process.env, PATH },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, db: path.join(tracking, 'run.sqlite'), code }));
  });

const query = <T>(db: string, sql: string): T => {
  const conn = new Database(db, { readonly: true });
  try {
    return conn.prepare(sql).get() as T;
  } finally {
    conn.close();
  }
};

// ---------------------------------------------------------------------------------------------
// 1. Parsers on the per-line path.

const uvmPrinter = path.join(work, 'uvm-lines.sh');
writeFileSync(uvmPrinter, `#!/bin/sh\nseq "$1" | sed 's/.*/UVM_INFO tb.sv(12) @ & ns: uvm_test_top.env [SEQ] item &/'\n`, { mode: 0o755 });

const w2Spec = (name: string, parsers: boolean, uvmLines: boolean): string => {
  const file = path.join(work, `${name}.yaml`);
  writeFileSync(
    file,
    `!JobArray
  id: w2
  repeats: ${W2_JOBS}
${parsers ? '  parsers: [uvm]\n' : ''}  jobs:
    - !Job
        id: seq
        command: ${uvmLines ? uvmPrinter : 'seq'}
        args: ['${W2_LINES}']
`,
  );
  return file;
};

interface Variant {
  readonly title: string;
  readonly spec: string;
  readonly seconds: number[];
}

const parserRows = async (): Promise<string[]> => {
  const lines = W2_JOBS * W2_LINES;
  const pairs: [Variant, Variant][] = [
    [
      { title: 'W2 (`seq`), no parsers', spec: w2Spec('w2', false, false), seconds: [] },
      { title: 'W2 (`seq`), `parsers: [uvm]`', spec: w2Spec('w2-uvm', true, false), seconds: [] },
    ],
    [
      { title: 'W2 with UVM_INFO lines, no parsers', spec: w2Spec('w2u', false, true), seconds: [] },
      { title: 'W2 with UVM_INFO lines, `parsers: [uvm]`', spec: w2Spec('w2u-uvm', true, true), seconds: [] },
    ],
  ];
  for (let r = 0; r < runs; r++) {
    for (const pair of pairs) {
      // Alternate which goes first, so neither always runs on a warm or a cold machine.
      const order = r % 2 === 0 ? pair : ([pair[1], pair[0]] as const);
      for (const variant of order) {
        const result = await gatorRun(variant.spec);
        const stored = query<{ n: number }>(result.db, "SELECT count(*) AS n FROM messages WHERE stream = 'stdout'").n;
        if (result.code !== 0 || stored !== lines) throw new Error(`${variant.title}: exit ${result.code}, ${stored} of ${lines} lines stored`);
        variant.seconds.push(result.seconds);
        log(`${variant.title}: ${result.seconds.toFixed(2)} s`);
        rmSync(path.dirname(result.db), { recursive: true, force: true });
      }
    }
  }
  const out = [
    `### Parsers on the per-line path: ${W2_JOBS} jobs × ${fmt(W2_LINES)} lines = ${fmt(lines)} lines, ${runs} alternated runs each`,
    '',
    '| run | wall s, median (min–max) | lines/s (median) | with parsers ÷ without (lines/s) |',
    '|---|---:|---:|---:|',
  ];
  const ratios: string[] = [];
  for (const [plain, parsed] of pairs) {
    const ratio = median(plain.seconds) / median(parsed.seconds);
    out.push(`| ${plain.title} | ${median(plain.seconds).toFixed(2)} (${range(plain.seconds, 2)}) | ${fmt(lines / median(plain.seconds))} | |`);
    out.push(
      `| ${parsed.title} | ${median(parsed.seconds).toFixed(2)} (${range(parsed.seconds, 2)}) | ${fmt(lines / median(parsed.seconds))} | **${ratio.toFixed(2)}×** |`,
    );
    ratios.push(ratio.toFixed(2));
  }
  out.push(
    '',
    `Target: W2 with \`parsers: [uvm]\` ≥ 0.9× the lines/s of W2 without: **${ratios[0]}×** (${Number(ratios[0]) >= 0.9 ? 'met' : 'not met'}). With every line a UVM message, the parser's worst case: ${ratios[1]}×.`,
    '',
  );
  return out;
};

// ---------------------------------------------------------------------------------------------
// 2. Metrics from one job.

const jobSpec = (name: string, command: string, args: readonly string[]): string => {
  const file = path.join(work, `${name}.yaml`);
  // `$$` so the spec passes each `$` to the job's shell (the spec expands `$VAR` itself).
  writeFileSync(file, `!Job\n  id: metrics\n  command: ${command}\n  args: ${JSON.stringify(args.map((arg) => arg.replaceAll('$', '$$$$')))}\n`);
  return file;
};

const wsClient = path.join(work, 'ws-metrics.mjs');
writeFileSync(
  wsClient,
  `// ${METRICS} metric requests over the job API's websocket, each awaiting its reply (as Gator's client does).
import { WebSocket } from '${path.join(ROOT, 'node_modules', 'ws', 'wrapper.mjs')}';
const n = Number(process.argv[2]);
const ws = new WebSocket('ws://' + process.env.GATOR_PARENT);
let sent = 0;
const next = () => {
  if (sent === n) return ws.close();
  ws.send(JSON.stringify({ action: 'metric', posted: false, req_id: sent, payload: { name: 'm' + (sent % 10), value: sent } }));
  sent++;
};
ws.on('open', next);
ws.on('message', (data) => {
  const reply = JSON.parse(String(data));
  if (reply.result !== 'success') { console.error(JSON.stringify(reply)); process.exit(1); }
  next();
});
`,
);
const pyClient = path.join(work, 'py-metrics.py');
writeFileSync(
  pyClient,
  `# ${METRICS} metric requests in Python Gator's protocol (python3-websockets), each awaiting its reply.
import asyncio, json, os, sys, websockets
async def main(n):
    async with websockets.connect("ws://" + os.environ["GATOR_PARENT"]) as ws:
        for i in range(n):
            await ws.send(json.dumps({"action": "metric", "posted": False, "req_id": i, "payload": {"name": "m%d" % (i % 10), "value": i}}))
            reply = json.loads(await ws.recv())
            assert reply["result"] == "success", reply
asyncio.run(main(int(sys.argv[1])))
`,
);

interface MetricPath {
  readonly title: string;
  readonly count: number;
  readonly spec: string;
  /** Per-call baseline: the same loop with `node -e 0` instead of `gator metric`. */
  readonly baseline?: string;
}

const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import websockets']).status === 0);

const metricPaths = (): MetricPath[] => {
  const loop = (body: string, n: number): string => `i=0; while [ $i -lt ${n} ]; do ${body}; i=$((i + 1)); done`;
  const paths: MetricPath[] = [
    {
      title: `\`gator metric m$((i % 10)) $i\`, one process per call (${fmt(cliCalls)} calls)`,
      count: cliCalls,
      spec: jobSpec('cli-each', 'sh', ['-c', loop('gator metric m$((i % 10)) $i', cliCalls)]),
      baseline: jobSpec('node-each', 'sh', ['-c', loop(`${process.execPath} -e 0`, cliCalls)]),
    },
    {
      title: `\`gator metric\` with 100 NAME VALUE pairs per call (${fmt(METRICS)} metrics, 100 calls)`,
      count: METRICS,
      spec: jobSpec('cli-pairs', 'sh', [
        '-c',
        loop('set --; j=0; while [ $j -lt 100 ]; do set -- "$@" m$j $((i * 100 + j)); j=$((j + 1)); done; gator metric "$@"', 100),
      ]),
    },
    {
      title: `\`gator metric -\` reading ${fmt(METRICS)} NAME VALUE lines from stdin (one call)`,
      count: METRICS,
      spec: jobSpec('cli-stdin', 'sh', ['-c', `seq ${METRICS} | awk '{ print "m" ($1 % 10), $1 }' | gator metric -`]),
    },
    {
      title: `websocket API, ${fmt(METRICS)} \`metric\` requests each awaiting its reply (Node \`ws\` client)`,
      count: METRICS,
      spec: jobSpec('ws', process.execPath, [wsClient, String(METRICS)]),
    },
  ];
  if (python !== undefined) {
    paths.push({
      title: `websocket API, ${fmt(METRICS)} requests in Python Gator's protocol (python3-websockets, each awaiting its reply)`,
      count: METRICS,
      spec: jobSpec('py', python, [pyClient, String(METRICS)]),
    });
  }
  return paths;
};

/** Stored metrics per second of the job's own run time (from its start to its end). */
const metricRun = async (spec: string, count: number | null): Promise<{ seconds: number; rate: number }> => {
  const result = await gatorRun(spec);
  const row = query<{ n: number; t: number; code: number | null }>(
    result.db,
    "SELECT (SELECT count(*) FROM metric_values) AS n, ended_at - started_at AS t, exit_code AS code FROM jobs WHERE path = 'metrics'",
  );
  if (result.code !== 0 || (count !== null && row.n !== count)) throw new Error(`${spec}: exit ${result.code}, ${row.n} of ${count} metrics stored`);
  rmSync(path.dirname(result.db), { recursive: true, force: true });
  return { seconds: row.t, rate: (count ?? 0) / row.t };
};

const metricRows = async (): Promise<string[]> => {
  const paths = metricPaths();
  const reps = quick ? 1 : 3;
  const results = new Map<MetricPath, { rates: number[]; seconds: number[]; floor: number[] }>();
  for (const p of paths) results.set(p, { rates: [], seconds: [], floor: [] });
  for (let r = 0; r < reps; r++) {
    for (const p of r % 2 === 0 ? paths : [...paths].reverse()) {
      // A process per call is minutes per run, and its cost per call is steady over a long loop: once.
      if (p.baseline !== undefined && r > 0) continue;
      const entry = results.get(p)!;
      const run = await metricRun(p.spec, p.count);
      entry.rates.push(run.rate);
      entry.seconds.push(run.seconds);
      log(`${p.title}: ${fmt(run.rate)} metrics/s`);
      if (p.baseline !== undefined) {
        const floor = await metricRun(p.baseline, null);
        entry.floor.push(floor.seconds);
        log(`  node -e 0 per call: ${((floor.seconds / p.count) * 1000).toFixed(1)} ms`);
      }
    }
  }
  const out = [
    `### Metrics from one job: stored per second of the job's run time, ${reps === 1 ? 'one run' : `medians of ${reps} alternated runs (the process-per-call rows: one run)`}`,
    '',
    '| path | metrics/s (median) | per metric | every value stored |',
    '|---|---:|---:|---|',
  ];
  let best = 0;
  let each = 0;
  let floorMs = 0;
  for (const p of paths) {
    const entry = results.get(p)!;
    const rate = median(entry.rates);
    out.push(`| ${p.title} | ${fmt(rate)} | ${((1000 / rate) * 1).toFixed(3)} ms | yes (${fmt(p.count)}) |`);
    if (p.baseline !== undefined) {
      each = rate;
      floorMs = (median(entry.floor) / p.count) * 1000;
      out.push(`| the same loop running \`node -e 0\` instead (the floor of any Node CLI) | ${fmt(1000 / floorMs)} | ${floorMs.toFixed(3)} ms | — |`);
    } else {
      best = Math.max(best, rate);
    }
  }
  out.push(
    '',
    `Target: "10,000 \`gator metric\` calls from one job are stored at ≥ 2,000/s". A call that starts its own process cannot meet it: ` +
      `\`gator metric NAME VALUE\` once per metric stores ${fmt(each)}/s (${(1000 / each).toFixed(1)} ms a call), and a bare \`node -e 0\` alone ` +
      `takes ${floorMs.toFixed(1)} ms on this machine, so no Node CLI can do a call in 0.5 ms. The single call loads only node:http and ` +
      `cli/job-api-client.js (not the CLI), so it costs about what Node's start-up costs. The paths that send many metrics per process do meet it: ` +
      `the fastest stores ${fmt(best)}/s.`,
    '',
  );
  return out;
};

const main = async (): Promise<number> => {
  if (!existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) {
    log('the CLI is not built: run `npm run build` first');
    return 2;
  }
  try {
    const lines = ['## Verdicts: parsers and metrics (`benchmarks/verdicts.ts`)', '', ...(await parserRows()), ...(await metricRows())];
    if (python === undefined) lines.push('The Python client row was skipped: no python3 with the websockets package (apt-get install python3-websockets).', '');
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};

process.exitCode = await main();
