// What the hub costs and how fast its pages open, measured in Debian's Chromium against the
// built `gator hub`, over runs made by the built `gator run`. Markdown on stdout (benchmarks/
// run.ts appends it to RESULTS.md), progress on stderr. Not part of `npm test`; run
// `npm run build` first.
//
//   node --import tsx benchmarks/hub.ts [--quick] [--runs N] [--only pages,live,latency,choices]
//
// 1. First paint of a job page with 1,000,000 lines and of a run page with 100,000 jobs, each
//    beside the same page for a small job (100 lines) or run (100 jobs), alternated, a fresh hub
//    for every cold open; then a second open in the same hub (warm), and the jump to the end of
//    the long log. First paint = the page's own clock (performance.now(), from navigation start)
//    when the first log line or tree row is drawn.
// 2. The hub's added CPU while a tab follows a live run of 20,000 jobs: the run alone, then the
//    run with the hub serving a tab on its run page, alternated; the hub's CPU (all its threads)
//    against the runner's.
// 3. How soon a line a live job prints is on its open page (the job stamps each line with the
//    time it printed it).
// 4. The design choices: the cost of one commit check and of a state read, and what the read
//    pool buys: how long `/api/runs` waits while a heavy SQL query runs, with the pool and with
//    the same query on the event loop (GATOR_HUB_READ_THREADS=0).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openRunDatabase } from '../storage/readers/open-run.js';
import { readStateLetters, readTreeShape, TreeCounts } from '../storage/readers/node-states.js';
import { browserSkip, launchBrowser, startHubProcess, type Browser, type HubProcess } from '../test/helpers/hub.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const GATOR = join(ROOT, 'bin', 'gator.js');
const WORK = join(ROOT, 'benchmarks', '.work', 'hub');

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, runs: { type: 'string' }, only: { type: 'string' } } });
const ONLY = new Set((values.only ?? 'pages,live,latency,choices').split(','));
const QUICK = values.quick;
const RUNS = Number(values.runs ?? (QUICK ? 2 : 5));
const LINES = QUICK ? 100_000 : 1_000_000;
const TREE = QUICK ? [10, 1000] : [100, 1000];
const LIVE_JOBS = QUICK ? 2_000 : 20_000;
const LIVE_RUNS = QUICK ? 1 : 3;

const log = (line: string): void => void process.stderr.write(`[hub bench] ${line}\n`);
const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const range = (xs: readonly number[], digits = 0): string => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;
const fmt = (x: number, digits = 0): string => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** CPU seconds a process (all its threads) has used, from /proc. */
const cpuSeconds = (pid: number): number => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
};

const run = (spec: string, tracking: string, args: readonly string[] = []): void => {
  execFileSync(process.execPath, [GATOR, 'run', spec, '--tracking', tracking, '--quiet', ...args], { stdio: 'ignore' });
};

/** Makes (once) the runs the page benchmarks open. */
function prepare(): { root: string; bigJob: number; smallJob: number } {
  const root = join(WORK, 'root');
  const marker = join(WORK, `ready-${LINES}-${TREE.join('x')}`);
  if (!existsSync(marker)) {
    rmSync(WORK, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    const logs = join(WORK, 'logs.yaml');
    writeFileSync(
      logs,
      `!JobGroup\n  id: logs\n  jobs:\n  - !Job { id: big, command: seq, args: [${LINES}] }\n  - !Job { id: small, command: seq, args: [100] }\n`,
    );
    log(`a job of ${fmt(LINES)} lines`);
    run(logs, join(root, 'logs'));
    const tree = (outer: number, inner: number): string =>
      `!JobGroup\n  id: tree\n  jobs:\n  - !JobArray\n      id: block\n      repeats: ${outer}\n      jobs:\n      - !JobArray\n          id: test\n          repeats: ${inner}\n          jobs:\n          - !Job { id: t, command: "true" }\n`;
    writeFileSync(join(WORK, 'big-tree.yaml'), tree(TREE[0] as number, TREE[1] as number));
    writeFileSync(join(WORK, 'small-tree.yaml'), tree(10, 10));
    log(`a run of ${fmt((TREE[0] as number) * (TREE[1] as number))} jobs (takes a while)`);
    run(join(WORK, 'big-tree.yaml'), join(root, 'bigtree'));
    run(join(WORK, 'small-tree.yaml'), join(root, 'smalltree'));
    writeFileSync(marker, '');
  }
  const ids = execFileSync(process.execPath, [GATOR, 'query', join(root, 'logs'), "SELECT id FROM jobs WHERE kind = 'job' ORDER BY path", '--no-header'], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .map(Number);
  return { root, bigJob: ids[0] as number, smallJob: ids[1] as number };
}

/** Opens a URL and returns the page's own time (ms from navigation start) when `ready` shows. */
async function firstPaint(browser: Browser, url: string, ready: string): Promise<number> {
  const page = await browser.context.newPage();
  try {
    await page.goto(url, { waitUntil: 'commit' });
    await page.locator(ready).first().waitFor({ timeout: 120_000 });
    return await page.evaluate(() => performance.now());
  } finally {
    await page.close();
  }
}

interface PaintCase {
  readonly label: string;
  readonly path: string;
  readonly ready: string;
}

async function pages(browser: Browser, root: string, bigJob: number, smallJob: number): Promise<string> {
  const cases: PaintCase[] = [
    { label: `job page, ${fmt(LINES)} lines`, path: `/runs/logs/jobs/${bigJob}`, ready: '.log-line[data-n]' },
    { label: 'job page, 100 lines', path: `/runs/logs/jobs/${smallJob}`, ready: '.log-line[data-n]' },
    { label: `run page, ${fmt((TREE[0] as number) * (TREE[1] as number))} jobs`, path: '/runs/bigtree', ready: '.tree-row[data-node]' },
    { label: 'run page, 100 jobs', path: '/runs/smalltree', ready: '.tree-row[data-node]' },
  ];
  const cold = new Map<string, number[]>(cases.map((c) => [c.label, []]));
  const warm = new Map<string, number[]>(cases.map((c) => [c.label, []]));
  const toEnd: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    // Rotate the order so no case always goes first.
    const order = cases.map((_, i) => cases[(i + r) % cases.length] as PaintCase);
    for (const c of order) {
      const hub = await startHubProcess(root, [], ROOT);
      try {
        cold.get(c.label)?.push(await firstPaint(browser, `${hub.origin}${c.path}`, c.ready));
        warm.get(c.label)?.push(await firstPaint(browser, `${hub.origin}${c.path}`, c.ready));
        if (c.path.endsWith(`/jobs/${bigJob}`)) toEnd.push(await scrollToEnd(browser, `${hub.origin}${c.path}`));
      } finally {
        await hub.stop();
      }
    }
    log(`first paints, round ${r + 1}/${RUNS}`);
  }
  const big = (label: string, small: string, table: Map<string, number[]>): string =>
    `${(median(table.get(label) ?? []) / median(table.get(small) ?? [])).toFixed(2)}×`;
  const rows = cases.map((c, i) => {
    const small = cases[i % 2 === 0 ? i + 1 : i] as PaintCase;
    const ratioCold = i % 2 === 0 ? big(c.label, small.label, cold) : '';
    const ratioWarm = i % 2 === 0 ? big(c.label, small.label, warm) : '';
    return `| ${c.label} | ${fmt(median(cold.get(c.label) ?? []))} (${range(cold.get(c.label) ?? [])}) | ${ratioCold} | ${fmt(median(warm.get(c.label) ?? []))} (${range(warm.get(c.label) ?? [])}) | ${ratioWarm} |`;
  });
  return [
    `### First paint (Chromium, ms from navigation start to the first log line or tree row; median of ${RUNS}, min–max)`,
    '',
    "Cold: a fresh hub process for each open (the long log's line index is built then). Warm: the same page again in that hub.",
    '',
    '| page | cold, ms | ÷ small | warm, ms | ÷ small |',
    '|---|---:|---:|---:|---:|',
    ...rows,
    '',
    `Jumping to the end of the ${fmt(LINES)}-line log (scrollbar to the bottom until line ${fmt(LINES)} is drawn): median ${fmt(median(toEnd))} ms (${range(toEnd)}).`,
    '',
  ].join('\n');
}

async function scrollToEnd(browser: Browser, url: string): Promise<number> {
  const page = await browser.context.newPage();
  try {
    await page.goto(url);
    await page.locator('.log-line[data-n]').first().waitFor({ timeout: 120_000 });
    const started = Date.now();
    await page.locator('.log-list').evaluate((element) => {
      const list = element as unknown as { scrollTop: number; scrollHeight: number };
      list.scrollTop = list.scrollHeight;
    });
    await page.locator(`.log-line[data-n="${LINES}"]`).waitFor({ timeout: 120_000 });
    return Date.now() - started;
  } finally {
    await page.close();
  }
}

/** The live run: `gator run` of LIVE_JOBS `true` jobs, alone or followed by a hub and a tab. */
async function liveCpu(browser: Browser): Promise<string> {
  const spec = join(WORK, 'live.yaml');
  writeFileSync(spec, `!JobArray\n  id: live\n  repeats: ${LIVE_JOBS}\n  jobs:\n  - !Job { id: t, command: "true" }\n`);
  const rows: { variant: string; wall: number; runner: number; hub: number }[] = [];
  for (let r = 0; r < LIVE_RUNS; r++) {
    for (const followed of r % 2 === 0 ? [false, true] : [true, false]) {
      const root = join(WORK, 'live-root');
      rmSync(root, { recursive: true, force: true });
      mkdirSync(root);
      let hub: HubProcess | null = null;
      let page = null;
      if (followed) {
        hub = await startHubProcess(root, [], ROOT);
        page = await browser.context.newPage();
        await page.goto(`${hub.origin}/`);
      }
      const hubCpuBefore = hub?.child.pid === undefined ? 0 : cpuSeconds(hub.child.pid);
      const started = Date.now();
      const runner: ChildProcess = spawn('/usr/bin/time', ['-f', '%U %S', process.execPath, GATOR, 'run', spec, '--tracking', join(root, 'live'), '--quiet'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let times = '';
      runner.stderr?.setEncoding('utf8').on('data', (text: string) => (times += text));
      if (page !== null && hub !== null) {
        // Follow the run as a person would: open it from the runs page as soon as it is listed.
        await page.locator('tr[data-run="live"] a').waitFor({ timeout: 60_000 });
        await page.goto(`${hub.origin}/runs/live`);
      }
      await new Promise((resolve) => runner.once('exit', resolve));
      const wall = (Date.now() - started) / 1000;
      if (page !== null) {
        // Until the page shows the end: the hub's work for this run is done then.
        await page.locator('[data-testid="run-result"]', { hasText: 'passed' }).waitFor({ timeout: 60_000 });
      }
      const hubCpu = hub?.child.pid === undefined ? 0 : cpuSeconds(hub.child.pid) - hubCpuBefore;
      const [user, sys] = times.trim().split('\n').pop()?.split(' ').map(Number) ?? [0, 0];
      rows.push({ variant: followed ? 'followed by the hub' : 'alone', wall, runner: (user ?? 0) + (sys ?? 0), hub: hubCpu });
      await page?.close();
      await hub?.stop();
      log(`live run ${followed ? 'followed' : 'alone'}: ${wall.toFixed(1)} s`);
    }
  }
  const alone = rows.filter((row) => row.variant === 'alone');
  const followed = rows.filter((row) => row.variant !== 'alone');
  const hubShare = median(followed.map((row) => row.hub / row.wall));
  return [
    `### The hub following a live run of ${fmt(LIVE_JOBS)} jobs (\`true\`, default -j; ${LIVE_RUNS} alternated runs each, medians)`,
    '',
    '| variant | wall s | runner CPU s (jobs included) | hub CPU s (all threads) |',
    '|---|---:|---:|---:|',
    `| run alone | ${median(alone.map((row) => row.wall)).toFixed(2)} (${range(
      alone.map((row) => row.wall),
      2,
    )}) | ${median(alone.map((row) => row.runner)).toFixed(2)} | – |`,
    `| run + hub + a tab on its run page | ${median(followed.map((row) => row.wall)).toFixed(2)} (${range(
      followed.map((row) => row.wall),
      2,
    )}) | ${median(followed.map((row) => row.runner)).toFixed(2)} | ${median(followed.map((row) => row.hub)).toFixed(2)} (${range(
      followed.map((row) => row.hub),
      2,
    )}) |`,
    '',
    `The hub's added CPU: **${(100 * hubShare).toFixed(1)}% of one core** while following (hub CPU ÷ wall), **${(median(followed.map((row) => row.hub)) / median(followed.map((row) => row.runner))).toFixed(3)}×** the runner's CPU; the run's wall with the hub ÷ alone: ${(median(followed.map((row) => row.wall)) / median(alone.map((row) => row.wall))).toFixed(3)}.`,
    '',
  ].join('\n');
}

/** Runs in the page: records, for each stamped line drawn, how long ago the job printed it. */
const WATCH_STAMPS = `(() => {
  const seen = new Set();
  const found = [];
  globalThis.latencies = found;
  new MutationObserver(() => {
    for (const line of document.querySelectorAll('.log-line .text')) {
      const text = line.textContent || '';
      const stamp = /^stamp (\\d+)$/.exec(text);
      if (stamp === null || seen.has(text)) continue;
      seen.add(text);
      found.push(Date.now() - Number(stamp[1]));
    }
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
})()`;

/** Lines stamped by the job that prints them; the page measures when each is drawn. */
async function lineLatency(browser: Browser): Promise<string> {
  const root = join(WORK, 'latency-root');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root);
  const count = QUICK ? 10 : 30;
  const spec = join(WORK, 'latency.yaml');
  writeFileSync(
    spec,
    `!Job\n  id: stamp\n  command: sh\n  args: [-c, 'sleep 2; for i in $$(seq 1 ${count}); do echo "stamp $$(date +%s%3N)"; sleep 0.3; done']\n`,
  );
  const hub = await startHubProcess(root, [], ROOT);
  const runner = spawn(process.execPath, [GATOR, 'run', spec, '--tracking', join(root, 'stamp'), '--quiet'], { stdio: 'ignore' });
  const page = await browser.context.newPage();
  try {
    await page.goto(`${hub.origin}/`);
    await page.locator('tr[data-run="stamp"] a').waitFor({ timeout: 60_000 });
    await page.goto(`${hub.origin}/runs/stamp/jobs/0`);
    await page.locator('[data-testid="log-count"]').waitFor();
    await page.evaluate(WATCH_STAMPS);
    await new Promise((resolve) => runner.once('exit', resolve));
    await page.waitForFunction((n) => (globalThis as unknown as { latencies: number[] }).latencies.length >= n, count, { timeout: 30_000 });
    const latencies = await page.evaluate(() => (globalThis as unknown as { latencies: number[] }).latencies);
    const sorted = [...latencies].sort((a, b) => a - b);
    return [
      `### A live job's line on its open page (${latencies.length} lines, one every 0.3 s)`,
      '',
      `From the job printing the line to the page drawing it: median **${fmt(median(latencies))} ms**, 90th percentile ${fmt(sorted[Math.floor(sorted.length * 0.9)] ?? 0)} ms, max ${fmt(Math.max(...latencies))} ms (target: within 2,000 ms).`,
      '',
    ].join('\n');
  } finally {
    await page.close();
    await hub.stop();
    runner.kill('SIGKILL');
  }
}

/** The cost of noticing commits, and what the read pool buys. */
async function choices(root: string): Promise<string> {
  // CPU time, not wall: the machine is shared, and these are small enough for a neighbour's
  // burst to swamp their wall time.
  const cpuMs = (work: () => unknown): number => {
    const before = process.cpuUsage();
    work();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000;
  };
  const db = openRunDatabase(join(root, 'bigtree', 'run.sqlite'));
  const n = 20_000;
  const dataVersionUs =
    (cpuMs(() => {
      for (let i = 0; i < n; i++) db.pragma('data_version', { simple: true });
    }) *
      1000) /
    n;
  const shape = readTreeShape(db);
  let letters = '';
  const readMs = Array.from({ length: 9 }, () => cpuMs(() => (letters = readStateLetters(db))));
  const counts = new TreeCounts(shape, letters, 'done');
  const changed = `${letters.slice(0, 100)}pu${letters.slice(102)}`;
  const diffMs = median(Array.from({ length: 9 }, (_, i) => cpuMs(() => counts.update(i % 2 === 0 ? changed : letters, 'done'))));
  db.close();

  const heavy = "SELECT count(DISTINCT text || stream) FROM messages WHERE severity = 'INFO'";
  const results: { mode: string; query: number; worst: number; median: number }[] = [];
  for (let r = 0; r < Math.max(2, Math.min(RUNS, 3)); r++) {
    for (const threads of r % 2 === 0 ? ['0', ''] : ['', '0']) {
      process.env.GATOR_HUB_READ_THREADS = threads;
      const hub = await startHubProcess(root, [], ROOT);
      delete process.env.GATOR_HUB_READ_THREADS;
      try {
        await (await fetch(`${hub.origin}/api/runs`)).json();
        const waits: number[] = [];
        let done = false;
        const queryStarted = Date.now();
        const query = fetch(`${hub.origin}/api/runs/logs/query`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ sql: heavy }),
        }).then(async (answer) => {
          await answer.text();
          done = true;
        });
        while (!done) {
          const asked = Date.now();
          await (await fetch(`${hub.origin}/api/runs`)).text();
          waits.push(Date.now() - asked);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await query;
        results.push({
          mode: threads === '0' ? 'on the event loop' : 'on the read pool',
          query: Date.now() - queryStarted,
          worst: Math.max(...waits),
          median: median(waits),
        });
      } finally {
        await hub.stop();
      }
    }
  }
  const row = (mode: string): string => {
    const of = results.filter((result) => result.mode === mode);
    return `| ${mode} | ${fmt(median(of.map((r) => r.query)))} | ${fmt(median(of.map((r) => r.worst)))} (${range(of.map((r) => r.worst))}) | ${fmt(median(of.map((r) => r.median)))} |`;
  };
  return [
    '### Design choices',
    '',
    `Noticing commits (CPU time): one \`PRAGMA data_version\` costs **${dataVersionUs.toFixed(1)} µs** (mean of ${fmt(n)} calls), so polling every unfinished run every 250 ms costs nothing measurable; the state letters of all ${fmt(shape.ids.length)} nodes of the big run read in ${median(readMs).toFixed(1)} ms (median of 9) and their diff with the counts' update takes ${diffMs.toFixed(1)} ms, paid only after a commit. inotify on the WAL file would save the polls but not these reads, and does not work on NFS, where shared tracking directories live.`,
    '',
    `The read pool: a heavy SQL query (\`${heavy}\` over the ${fmt(LINES)}-line run) while \`GET /api/runs\` is asked every 20 ms (medians of ${results.length / 2} alternated runs each):`,
    '',
    '| the query runs | query ms | worst `/api/runs` wait, ms | median wait, ms |',
    '|---|---:|---:|---:|',
    row('on the event loop'),
    row('on the read pool'),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const skip = browserSkip();
  if (skip !== null) {
    process.stdout.write(`Hub benchmark ${skip}.\n`);
    return;
  }
  if (!existsSync(join(ROOT, 'dist', 'web'))) throw new Error('run npm run build first');
  const [one, five] = loadavg();
  const { root, bigJob, smallJob } = prepare();
  const browser = await launchBrowser();
  try {
    const sections = [
      `Hub benchmark${QUICK ? ' (--quick)' : ''}; load average ${one?.toFixed(2)} / ${five?.toFixed(2)} on 2 CPUs when it started.`,
      '',
      ONLY.has('pages') ? await pages(browser, root, bigJob, smallJob) : '',
      ONLY.has('live') ? await liveCpu(browser) : '',
      ONLY.has('latency') ? await lineLatency(browser) : '',
      ONLY.has('choices') ? await choices(root) : '',
    ];
    process.stdout.write(sections.join('\n'));
  } finally {
    await browser.close();
  }
}

await main();
