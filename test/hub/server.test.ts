// `gator hub` over HTTP, as a process started the way a user starts it (`npm run build` first):
// what it serves, what it refuses (paths outside DIR, writes, requests without the token), and
// its live stream resuming by event id.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GATOR } from '../helpers/cli.js';
import { ageRunDatabase, RunDbBuilder } from '../helpers/make-run-db.js';
import { SCHEMA_VERSION } from '../../storage/schema.js';
import { exited, gatorOutput, runSpec, startHubProcess, startRun, tempRoot, until, writeFile, type HubProcess } from '../helpers/hub.js';

const dir = tempRoot('gator-hub-server-');
const root = join(dir, 'tracking');
const gate = join(dir, 'gate');
mkdirSync(root);
mkdirSync(gate);

const PASS = `!JobGroup
  id: pass
  jobs:
  - !Job { id: one, command: echo, args: [hello] }
  - !Job { id: two, command: echo, args: [world] }
`;
const FAIL = `!JobGroup
  id: fail
  jobs:
  - !JobArray
      id: sims
      repeats: 4
      jobs:
      - !Job
          id: sim
          command: sh
          args: [-c, 'echo start; if [ $GATOR_ARRAY_INDEX -lt 2 ]; then echo "ERROR: mismatch at 0x1f$GATOR_ARRAY_INDEX" >&2; exit 1; fi']
`;

let hub: HubProcess;
const get = async (path: string, init: RequestInit = {}): Promise<Response> => fetch(`${hub.origin}${path}`, init);

/** A request exactly as written, without the URL normalising fetch would do. */
const raw = (origin: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const url = new URL(origin);
    const req = request({ host: url.hostname, port: url.port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

before(async () => {
  assert.equal(runSpec(writeFile(join(dir, 'pass.yaml'), PASS), join(root, 'passed')), 0);
  assert.equal(runSpec(writeFile(join(dir, 'fail.yaml'), FAIL), join(root, 'failed')), 1);
  // A run outside DIR, reachable from inside only through a link.
  mkdirSync(join(dir, 'outside'));
  assert.equal(runSpec(join(dir, 'pass.yaml'), join(dir, 'outside', 'secret')), 0);
  symlinkSync(join(dir, 'outside', 'secret'), join(root, 'escape'));
  hub = await startHubProcess(root, [], dir);
});

after(async () => {
  await hub?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('gator hub over HTTP', () => {
  it('binds to loopback, lists the runs under DIR, and serves its pages and assets from the package', async () => {
    assert.match(hub.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(hub.token, null);
    const runs = (await (await get('/api/runs')).json()) as { name: string; result: string; counts: { passed: number; failed: number; total: number } }[];
    const byName = new Map(runs.map((run) => [run.name, run]));
    assert.deepEqual([...byName.keys()].sort(), ['failed', 'passed']);
    assert.equal(byName.get('passed')?.result, 'success');
    assert.deepEqual([byName.get('failed')?.counts.failed, byName.get('failed')?.counts.passed], [2, 2]);
    const page = await get('/runs/failed/jobs/3');
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /\/assets\/app\/hub\/web\/main\.js/);
    // Nothing from a CDN: every script and stylesheet the page names is served by the hub itself.
    for (const [, src] of html.matchAll(/(?:src|href)="([^"]+)"/g)) {
      if (src === 'data:,') continue;
      assert.match(src as string, /^\/assets\//);
      assert.equal((await get(src as string)).status, 200, src);
    }
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  });

  it('refuses paths outside DIR: .., encoded %2e%2e, and a run linked from outside', async () => {
    for (const path of [
      '/api/runs/..',
      '/api/runs/%2e%2e',
      '/api/runs/%2e%2e/jobs/0',
      '/api/runs/..%2f..%2fetc/jobs/0',
      '/api/runs/%2E%2E%2F%2E%2E%2Fpassed',
      '/api/runs/escape',
      '/api/runs/escape/jobs/0/lines',
      '/assets/..%2f..%2fpackage.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/../../package.json',
      '/assets/app/../../../../etc/passwd',
      '/runs/../../../etc/passwd',
      '/api/runs/passed/../../outside/secret',
    ]) {
      const answer = await raw(hub.origin, path);
      assert.ok(answer.status >= 400, `${path} answered ${answer.status}`);
      assert.doesNotMatch(answer.body, /"name": "gator-node"|root:x:0:0|hello/, path);
    }
    const runs = (await (await get('/api/runs')).json()) as { name: string }[];
    assert.ok(!runs.some((run) => run.name === 'escape'), 'a run linked from outside DIR is not listed');
    const events = await raw(hub.origin, '/api/events?run=..%2f..%2foutside');
    assert.equal(events.status, 400);
  });

  it('only reads: the SQL box refuses DELETE and ATTACH, and the database file is unchanged', async () => {
    const db = join(root, 'failed', 'run.sqlite');
    const before = sha(db);
    const select = await get('/api/runs/failed/query', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sql: "SELECT path FROM jobs WHERE result = 'failure' AND kind = 'job' ORDER BY id" }),
    });
    assert.equal(select.status, 200);
    assert.deepEqual(((await select.json()) as { rows: string[][] }).rows, [['fail.sims.sim_0'], ['fail.sims.sim_1']]);
    for (const sql of [
      'DELETE FROM message',
      'DELETE FROM jobs',
      `ATTACH DATABASE '${join(dir, 'x.sqlite')}' AS x`,
      'UPDATE node SET result = 1',
      'DROP VIEW jobs',
      'PRAGMA user_version = 3',
      'VACUUM',
      `VACUUM INTO '${join(dir, 'copy.sqlite')}'`,
    ]) {
      const answer = await get('/api/runs/failed/query', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ sql }) });
      assert.equal(answer.status, 400, sql);
      const error = ((await answer.json()) as { error: string }).error;
      assert.match(error, /^query (refused|failed)/, sql);
      // The very words `gator query` says for the same statement.
      const cli = spawnSync(process.execPath, [GATOR, 'query', join(root, 'failed'), sql], { encoding: 'utf8' });
      assert.equal(cli.status, 2, sql);
      assert.equal(cli.stderr, `gator: ${error}\n`, sql);
    }
    assert.ok(!existsSync(join(dir, 'x.sqlite')), 'ATTACH created no file');
    assert.ok(!existsSync(join(dir, 'copy.sqlite')), 'VACUUM INTO wrote no copy');
    const csv = await get('/api/runs/failed/query.csv', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sql: "SELECT path, exit_code FROM jobs WHERE kind = 'job' ORDER BY id" }),
    });
    assert.equal(await csv.text(), gatorOutput(['query', join(root, 'failed'), '--csv', "SELECT path, exit_code FROM jobs WHERE kind = 'job' ORDER BY id"]));
    assert.equal(sha(db), before);
    // No route takes a write: other methods are not served.
    for (const method of ['PUT', 'DELETE', 'PATCH']) assert.ok((await get('/api/runs/failed', { method })).status >= 400, method);
  });

  it("gives each failure group its example's replay command and the repro line `gator repro` prints", async () => {
    const failures = (await (await get('/api/runs/failed/failures')).json()) as {
      jobs: number;
      groups: { count: number; example: { path: string }; replay: string; repro: string | null }[];
    };
    assert.equal(failures.jobs, 2);
    assert.equal(failures.groups.length, 1, JSON.stringify(failures));
    const [group] = failures.groups;
    assert.ok(group !== undefined);
    assert.equal(group.count, 2);
    assert.match(group.example.path, /^fail\.sims\.sim_[01]$/);
    // The hub runs in dir, so the path is the one a user there types.
    assert.equal(group.replay, `gator replay tracking/failed/run.sqlite --job ${group.example.path}`);
    // The same line, byte for byte, as the CLI prints for that job.
    assert.equal(group.repro, gatorOutput(['repro', join(root, 'failed'), group.example.path]).trimEnd());
    // And it runs the job again outside gator: the same failure on stderr, the same exit code.
    const again = spawnSync('sh', ['-c', group.repro ?? 'false'], { cwd: gate, encoding: 'utf8' });
    assert.equal(again.status, 1);
    assert.equal(again.stdout, 'start\n');
    assert.equal(again.stderr, `ERROR: mismatch at 0x1f${group.example.path.slice(-1)}\n`);
  });

  it("lists an older gator's run as unreadable with the readers' sentence, and answers its pages with it", async () => {
    // A real run, aged as an older gator left it, then moved in whole (the hub never sees it readable).
    assert.equal(runSpec(join(dir, 'pass.yaml'), join(dir, 'aging')), 0);
    ageRunDatabase(join(dir, 'aging', 'run.sqlite'), 2, ['cluster_jobs']);
    renameSync(join(dir, 'aging'), join(root, 'old'));
    const sentence = `tracking/old/run.sqlite was written by an older gator (run database version 2; this gator reads version ${SCHEMA_VERSION}): open it with the gator that wrote it`;
    const listed = await until(async () => {
      const unreadable = (await (await get('/api/unreadable')).json()) as { name: string; reason: string }[];
      return unreadable.length > 0 ? unreadable : undefined;
    }, 'the old run to be listed as unreadable');
    assert.deepEqual(listed, [{ name: 'old', reason: sentence }]);
    // The very sentence `gator query` says for it, from the directory the hub was started in.
    const cli = spawnSync(process.execPath, [GATOR, 'query', join('tracking', 'old'), 'SELECT 1'], { cwd: dir, encoding: 'utf8' });
    assert.equal(cli.status, 2);
    assert.equal(cli.stderr, `gator: ${sentence}\n`);
    // Not among the readable runs, and its pages answer with the reason, not a missing run.
    assert.ok(!((await (await get('/api/runs')).json()) as { name: string }[]).some((run) => run.name === 'old'));
    const page = await get('/api/runs/old');
    assert.equal(page.status, 404);
    assert.deepEqual(await page.json(), { error: sentence });
    rmSync(join(root, 'old'), { recursive: true, force: true });
    await until(async () => (((await (await get('/api/unreadable')).json()) as unknown[]).length === 0 ? true : undefined), 'the old run to go');
  });

  it('rolls up metrics, sums resource samples per tick and lays out the timeline of a run', async () => {
    // Metrics come from the job API; this run's rows are written directly, as the writer lays them out.
    mkdirSync(join(root, 'metrics'));
    const builder = new RunDbBuilder(join(root, 'metrics', 'run.sqlite'), { id: 'm', specPath: join(dir, 'm.yaml'), startedAt: 100, heartbeatAt: 110 });
    const top = builder.group(null, 'top', { state: 'complete', result: 'success' });
    const a = builder.job(top, 'a', { state: 'complete', result: 'success', startedAt: 100, endedAt: 104 });
    const b = builder.job(top, 'b', { state: 'complete', result: 'failure', exitCode: 1, startedAt: 101, endedAt: 103 });
    builder.metric(a, 'coverage', 80);
    builder.metric(b, 'coverage', 90);
    builder.metric(b, 'warnings', 3);
    builder.sample(a, 101.2, 50, 1000);
    builder.sample(b, 101.3, 30, 500);
    builder.sample(a, 102.2, 70, 2000);
    builder.finish(110, 'failure', 1);
    builder.close();
    await until(async () => ((await get('/api/runs/metrics')).status === 200 ? true : undefined), 'the new run to be found');
    assert.deepEqual(await (await get('/api/runs/metrics/metrics')).json(), [
      { name: 'coverage', jobs: 2, sum: 170, min: 80, max: 90, mean: 85 },
      { name: 'warnings', jobs: 1, sum: 3, min: 3, max: 3, mean: 3 },
    ]);
    const job = (await (await get(`/api/runs/metrics/jobs/${b}`)).json()) as { metrics: unknown; reason: string };
    assert.deepEqual(job.metrics, [
      { name: 'coverage', value: 90 },
      { name: 'warnings', value: 3 },
    ]);
    assert.equal(job.reason, 'exit code 1');
    const resources = (await (await get('/api/runs/metrics/resources')).json()) as { ts: number[]; cpuPercent: number[]; rssBytes: number[]; jobs: number[] };
    assert.deepEqual(
      [resources.ts, resources.cpuPercent, resources.rssBytes, resources.jobs],
      [
        [101, 102],
        [80, 70],
        [1500, 2000],
        [2, 1],
      ],
    );
    const timeline = (await (await get('/api/runs/metrics/timeline')).json()) as { ids: number[]; start: number[]; end: number[]; category: string[] };
    assert.deepEqual(
      [timeline.ids, timeline.start, timeline.end, timeline.category],
      [
        [a, b],
        [100, 101],
        [104, 103],
        ['passed', 'failed'],
      ],
    );
  });

  it('started before the first run, waits for ./tracking and shows the run that creates it', async () => {
    const project = join(dir, 'fresh-project');
    mkdirSync(project);
    const early = await startHubProcess(null, [], project);
    let stopped: number | null = null;
    try {
      await until(() => (/tracking does not exist yet/.test(early.output()) ? true : undefined), 'the hub to say it waits');
      assert.deepEqual(await (await fetch(`${early.origin}/api/runs`)).json(), []);
      assert.equal(runSpec(join(dir, 'pass.yaml'), join(project, 'tracking', 'first'), [], project), 0);
      const runs = await until(async () => {
        const listed = (await (await fetch(`${early.origin}/api/runs`)).json()) as { name: string; result: string }[];
        // The hub may list it first as it was while running, then follow it to its end.
        return listed.length > 0 && listed.every((run) => run.result !== 'running') ? listed : undefined;
      }, 'the first run to appear, ended');
      assert.deepEqual(
        runs.map((run) => [run.name, run.result]),
        [['first', 'success']],
      );
    } finally {
      stopped = await early.stop();
    }
    assert.equal(stopped, 0, early.output());
    // A DIR that was named and does not exist is a mistake, said in one line.
    const missing = spawnSync(process.execPath, [GATOR, 'hub', join(dir, 'no-such-dir')], { encoding: 'utf8' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^gator: no run found at .*no-such-dir: no such file or directory\n$/);
  });

  it('answers only requests addressed to this machine while on loopback', async () => {
    assert.equal((await raw(hub.origin, '/api/runs', { Host: 'attacker.example:80' })).status, 403);
    assert.equal((await raw(hub.origin, '/api/runs', { Host: `localhost:${new URL(hub.origin).port}` })).status, 200);
  });

  it('with --host 0.0.0.0 prints a URL with a token and refuses requests without it', async () => {
    const open = await startHubProcess(root, ['--host', '0.0.0.0'], dir);
    try {
      assert.ok(open.token !== null && open.token.length >= 24, open.url);
      const origin = `http://127.0.0.1:${new URL(open.url).port}`;
      assert.equal((await fetch(`${origin}/api/runs`)).status, 401);
      assert.equal((await fetch(`${origin}/`)).status, 401);
      assert.equal((await fetch(`${origin}/api/runs?token=wrong${open.token}`)).status, 401);
      assert.equal((await fetch(`${origin}/api/runs`, { headers: { Authorization: `Bearer ${open.token}` } })).status, 200);
      // The printed URL works in a browser: the token becomes a cookie and leaves the address bar.
      const first = await fetch(`${origin}/?token=${open.token}`, { redirect: 'manual' });
      assert.equal(first.status, 303);
      assert.equal(first.headers.get('location'), '/');
      const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] as string;
      assert.equal((await fetch(`${origin}/api/runs`, { headers: { Cookie: cookie } })).status, 200);
      assert.equal((await fetch(`${origin}/api/events`, { headers: { Cookie: 'gator_hub_1=nope' } })).status, 401);
    } finally {
      assert.equal(await open.stop(), 0);
    }
  });

  it("streams a live job's new lines and resumes after a reconnect from the last event id", async () => {
    const spec = writeFile(
      join(dir, 'talk.yaml'),
      `!Job
  id: talk
  command: sh
  args: [-c, 'for i in 1 2 3; do while [ ! -f ${gate}/say_$$i ]; do sleep 0.05; done; echo "said $$i"; done']
`,
    );
    const runner = startRun(spec, join(root, 'talking'));
    try {
      await until(
        async () => ((await (await get('/api/runs')).json()) as { name: string }[]).some((run) => run.name === 'talking') || undefined,
        'the live run to be listed',
      );
      const job = (await (await get('/api/runs/talking/jobs/0')).json()) as { cursor: number; state: string };
      const read = async (cursorHeader: string | null, until: RegExp): Promise<{ text: string; lastId: string }> => {
        const controller = new AbortController();
        const response = await fetch(`${hub.origin}/api/events?run=talking&job=0&after=${job.cursor}`, {
          signal: AbortSignal.any([controller.signal, AbortSignal.timeout(60_000)]),
          headers: cursorHeader === null ? {} : { 'Last-Event-ID': cursorHeader },
        });
        assert.equal(response.headers.get('content-type'), 'text/event-stream');
        const reader = (response.body as ReadableStream<Uint8Array>).getReader();
        let text = '';
        const decoder = new TextDecoder();
        while (!until.test(text)) {
          const { value, done } = await reader.read();
          if (done) break;
          text += decoder.decode(value);
        }
        controller.abort();
        const ids = [...text.matchAll(/^id: (.+)$/gm)].map((match) => match[1] as string);
        return { text, lastId: ids[ids.length - 1] as string };
      };
      writeFile(join(gate, 'say_1'), '');
      const first = await read(null, /said 1/);
      assert.match(first.text, /event: lines\n/);
      writeFile(join(gate, 'say_2'), '');
      // Give the line time to be written while no stream is open, then resume.
      await until(
        () => (gatorOutput(['query', join(root, 'talking'), "SELECT count(*) FROM messages WHERE text = 'said 2'"]).includes('1') ? true : undefined),
        'said 2',
      );
      const resumed = await read(first.lastId, /said 2/);
      assert.match(resumed.text, /said 2/);
      assert.doesNotMatch(resumed.text, /said 1/, 'a resumed stream does not repeat what was sent');
      writeFile(join(gate, 'say_3'), '');
      assert.equal(await exited(runner), 0);
    } finally {
      runner.kill('SIGKILL');
    }
  });
});
