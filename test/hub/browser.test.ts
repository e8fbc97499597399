// The hub in a real browser (Debian's Chromium through playwright-core), over real runs made by
// the built `gator run`: a passed, a failed and a live one that the test moves along by
// creating gate files. Skipped, saying so, where no Chromium is installed.
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { GATOR } from '../helpers/cli.js';
import { ageRunDatabase } from '../helpers/make-run-db.js';
import {
  browserSkip,
  exited,
  gatorOutput,
  launchBrowser,
  pngColours,
  runSpec,
  screenshotDir,
  startHubProcess,
  startRun,
  tempRoot,
  until,
  writeFile,
  type Browser,
  type HubProcess,
} from '../helpers/hub.js';

const skip = browserSkip();
if (skip !== null) process.stdout.write(`# hub browser tests ${skip}\n`);

const dir = tempRoot('gator-hub-browser-');
const root = join(dir, 'tracking');
const gate = join(dir, 'gate');

const PASS = `!JobGroup
  id: smoke
  jobs:
  - !Job { id: hello, command: echo, args: [hello] }
  - !Job { id: world, command: echo, args: [world] }
`;

// A build that prints, warns in words, and busies the CPU long enough to be sampled; sims that
// fail two ways (an error line with varying numbers, an exit code without one) or pass.
const FAIL = `!JobGroup
  id: regress
  jobs:
  - !Job
      id: build
      command: sh
      args: [-c, 'echo building; for i in $$(seq 1 60); do echo "compile step $$i"; done; echo "a needle in the log"; echo "ERROR: linker warning treated as error" >&2; timeout 1.5 sh -c "while :; do :; done" || true; echo built']
  - !JobArray
      id: sims
      repeats: 6
      jobs:
      - !Job
          id: sim
          command: sh
          args: [-c, 'echo seed $GATOR_ARRAY_INDEX; case $$((GATOR_ARRAY_INDEX % 3)) in 0) echo "UVM_ERROR mismatch at 0x1f$GATOR_ARRAY_INDEX seed $GATOR_ARRAY_INDEX" >&2; exit 1;; 1) exit 3;; esac']
`;

// Three steps that each wait for their gate (the last one fails), and a job that talks when told.
const LIVE = `!JobGroup
  id: nightly
  jobs:
  - !JobArray
      id: steps
      repeats: 3
      jobs:
      - !Job
          id: step
          command: sh
          args: [-c, 'while [ ! -f ${gate}/go_$GATOR_ARRAY_INDEX ]; do sleep 0.05; done; echo step done; [ $GATOR_ARRAY_INDEX -ne 2 ]']
  - !Job
      id: talker
      command: sh
      args: [-c, 'for i in $$(seq 1 300); do echo "boot line $$i"; done; n=1; while [ ! -f ${gate}/stop ]; do if [ -f ${gate}/say_$$n ]; then echo "said $$n"; n=$$((n+1)); fi; sleep 0.05; done']
`;

// The same inputs each time (a pinned seed), an outcome that depends on a file outside them.
const FLAKY = `!Job
  id: flaky
  seed: 7
  command: sh
  args: [-c, 'test -f ${gate}/flaky_ok']
`;

/** The part of an element the checks read (the test compiles without the DOM's types). */
interface DomNode {
  getAttribute(name: string): string | null;
  querySelector(selector: string): { readonly textContent: string | null } | null;
  querySelectorAll(selector: string): ArrayLike<{ readonly textContent: string | null }>;
}

/** The part of a canvas element the plot check reads (the test compiles without the DOM's types). */
interface Canvas {
  readonly width: number;
  readonly height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, width: number, height: number): { data: Uint8ClampedArray } };
}

let hub: HubProcess;
let browser: Browser;
let live: ChildProcess;
let page: Page;

const open = (path: string): string => `${hub.origin}${path}`;
const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const jobId = (run: string, path: string): number =>
  Number(gatorOutput(['query', join(root, run), `SELECT id FROM jobs WHERE path = '${path}'`, '--no-header']).trim());
/** The count a runs-table cell shows. */
const countIn = async (run: string, category: string): Promise<number> =>
  Number(await page.locator(`tr[data-run="${run}"] td[data-count="${category}"]`).textContent());

before(async () => {
  if (skip !== null) return;
  mkdirSync(root);
  mkdirSync(gate);
  assert.equal(runSpec(writeFile(join(dir, 'smoke.yaml'), PASS), join(root, 'passed'), [], dir), 0);
  assert.equal(runSpec(writeFile(join(dir, 'regress.yaml'), FAIL), join(root, 'failed'), ['--interval', '0.2'], dir), 1);
  const flaky = writeFile(join(dir, 'flaky.yaml'), FLAKY);
  assert.equal(runSpec(flaky, join(root, 'flaky1'), [], dir), 1);
  writeFileSync(join(gate, 'flaky_ok'), '');
  assert.equal(runSpec(flaky, join(root, 'flaky2'), [], dir), 0);
  live = startRun(writeFile(join(dir, 'nightly.yaml'), LIVE), join(root, 'live'), ['-j', '4'], dir);
  hub = await startHubProcess(root, [], dir);
  browser = await launchBrowser();
  page = await browser.context.newPage();
});

after(async () => {
  if (skip !== null) return;
  writeFileSync(join(gate, 'stop'), '');
  for (const n of [0, 1, 2]) writeFileSync(join(gate, `go_${n}`), '');
  if (live !== undefined) await Promise.race([exited(live), new Promise((resolve) => setTimeout(resolve, 30_000))]);
  live?.kill('SIGKILL');
  await browser?.close();
  await hub?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the hub in a browser', { skip: skip ?? false }, () => {
  it('lists a passed, a failed and a live run with their counts; the live counts rise while the page is open', async () => {
    await page.goto(open('/'));
    await page.locator('tr[data-run="live"]').waitFor();
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    assert.equal(await page.locator('tr[data-run="passed"] [data-result]').textContent(), 'passed');
    assert.equal(await countIn('passed', 'passed'), 2);
    assert.equal(await page.locator('tr[data-run="failed"] [data-result]').textContent(), 'failed');
    assert.deepEqual([await countIn('failed', 'failed'), await countIn('failed', 'passed')], [5, 2]);
    await until(async () => ((await countIn('live', 'running')) === 4 ? true : undefined), "the live run's four jobs running");
    assert.equal(await page.locator('tr[data-run="live"] [data-result]').textContent(), 'running');
    assert.equal(await countIn('live', 'passed'), 0);
    writeFileSync(join(gate, 'go_0'), '');
    await until(async () => ((await countIn('live', 'passed')) === 1 ? true : undefined), 'passed to become 1 in place');
    writeFileSync(join(gate, 'go_1'), '');
    await until(async () => ((await countIn('live', 'passed')) === 2 ? true : undefined), 'passed to become 2 in place');
    assert.equal(await countIn('live', 'running'), 2);
    assert.equal(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker), 42, 'the page was not reloaded');
  });

  it("lists an older gator's run as unreadable, with the reason, as it appears and without a reload", async () => {
    await page.goto(open('/'));
    await page.locator('tr[data-run="passed"]').waitFor();
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 9));
    assert.equal(runSpec(join(dir, 'smoke.yaml'), join(dir, 'aging'), [], dir), 0);
    ageRunDatabase(join(dir, 'aging', 'run.sqlite'), 1, ['cluster_jobs', 'metric_rollup']);
    renameSync(join(dir, 'aging'), join(root, 'ancient'));
    const row = page.locator('tr[data-run="ancient"]');
    await row.waitFor();
    assert.equal(await row.getAttribute('data-status'), 'unreadable');
    assert.equal(await row.locator('[data-result]').textContent(), 'unreadable');
    const cli = spawnSync(process.execPath, [GATOR, 'query', join('tracking', 'ancient'), 'SELECT 1'], { cwd: dir, encoding: 'utf8' });
    assert.equal(cli.status, 2);
    assert.equal(`gator: ${await row.locator('[data-testid="unreadable-reason"]').textContent()}\n`, cli.stderr);
    assert.match(cli.stderr, /was written by an older gator \(run database version 1; this gator reads version \d+\)/);
    // The readable runs are still there, and the page was not reloaded.
    assert.equal(await page.locator('tr[data-run="passed"] [data-result]').textContent(), 'passed');
    assert.equal(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker), 9);
    rmSync(join(root, 'ancient'), { recursive: true, force: true });
  });

  it("shows a live job's new line on its open page and follows the newest line", async () => {
    const id = jobId('live', 'nightly.talker');
    await page.goto(open(`/runs/live/jobs/${id}`));
    await page.locator('.log-line[data-n="300"]').waitFor();
    assert.equal(await page.locator('[data-testid="follow"]').isChecked(), true, 'a live job is followed');
    for (const n of [1, 2]) {
      writeFileSync(join(gate, `say_${n}`), '');
      const line = page.locator('.log-line', { hasText: `said ${n}` });
      await line.waitFor();
      // Follow mode: the newest line is the last one and it is in view.
      assert.equal(Number(await line.getAttribute('data-n')), 300 + n);
      const box = await page.locator('.log-list').boundingBox();
      const lineBox = await line.boundingBox();
      assert.ok(box !== null && lineBox !== null);
      assert.ok(lineBox.y >= box.y && lineBox.y + lineBox.height <= box.y + box.height + 1, 'the newest line is in view');
    }
  });

  it('turns the live run failed without a reload when it ends', async () => {
    await page.goto(open('/runs/live'));
    await page.locator('[data-testid="run-result"]').waitFor();
    assert.equal(await page.locator('[data-testid="run-result"]').textContent(), 'running');
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 7));
    writeFileSync(join(gate, 'go_2'), '');
    writeFileSync(join(gate, 'stop'), '');
    assert.equal(await exited(live), 1);
    await until(async () => ((await page.locator('[data-testid="run-result"]').textContent()) === 'failed' ? true : undefined), 'the run to show failed');
    assert.equal(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker), 7, 'the page was not reloaded');
    assert.match((await page.locator('.run-title').textContent()) ?? '', /4 jobs.*3 passed.*1 failed/);
    // The tree followed too: the failed step shows as failed.
    await until(
      async () => ((await page.locator('.tree-row[data-path="nightly.steps.step_2"]').getAttribute('data-result')) === 'failed' ? true : undefined),
      'step_2 failed in the tree',
    );
  });

  it('shows the failure groups gator report computes, each with its replay and repro lines copyable and correct', async () => {
    const report = spawnSync(process.execPath, [GATOR, 'report', join(root, 'failed')], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    }).stdout;
    // Every group of the report: its headline, its jobs, and the two commands it shows.
    const expected = [...report.matchAll(/✘ (.*)\n((?: {2}[^ ].*\n)*)(?:.*\n)*? {2}whole log: (.*)\n {2}repro: +(.*)/g)].map((match) => ({
      headline: match[1] as string,
      replay: match[3] as string,
      repro: match[4] as string,
    }));
    assert.equal(expected.length, 3, report);
    await page.goto(open('/runs/failed/failures'));
    await page.locator('[data-testid="failure-group"]').first().waitFor();
    assert.equal(`${await page.locator('[data-testid="failures-summary"]').textContent()}:`, /^(\d+ jobs? failed, .*:)$/m.exec(report)?.[1]);
    const shown = await page.locator('[data-testid="failure-group"]').evaluateAll((groups) =>
      (groups as unknown as DomNode[]).map((group) => ({
        headline: group.querySelector('.headline')?.textContent ?? '',
        replay: group.querySelector('[data-testid="replay"] .command')?.textContent ?? '',
        repro: group.querySelector('[data-testid="repro"] .command')?.textContent ?? '',
        example: group.querySelector('.reason a')?.textContent ?? '',
        jobs: Array.from(group.querySelectorAll('.group-jobs li'), (li) => li.textContent ?? ''),
      })),
    );
    assert.deepEqual(
      shown.map(({ headline, replay, repro }) => ({ headline, replay, repro })),
      expected,
    );
    // The repro line is the one `gator repro` prints for the group's example job.
    for (const group of shown) {
      assert.equal(group.repro, gatorOutput(['repro', join(root, 'failed'), group.example]).trimEnd(), group.example);
    }
    // Each group's jobs are the failed jobs with that first error, as `gator query` finds them.
    const failedJobs = gatorOutput([
      'query',
      join(root, 'failed'),
      "SELECT path FROM jobs WHERE kind = 'job' AND result = 'failure' ORDER BY path",
      '--no-header',
    ])
      .trim()
      .split('\n');
    assert.deepEqual(shown.flatMap((group) => group.jobs).sort(), failedJobs.sort());
    assert.deepEqual(
      shown.map((group) => group.jobs.length),
      [2, 2, 1],
    );
    const clipboard = (): Promise<string> =>
      page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
    const first = page.locator('[data-testid="failure-group"]').first();
    await first.locator('[data-testid="replay"] button.copy').click();
    assert.equal(await clipboard(), expected[0]?.replay);
    // The copied replay command works: it prints the example job's log.
    const command = (expected[0]?.replay ?? '').split(' ');
    assert.equal(command[0], 'gator');
    const replayed = spawnSync(process.execPath, [GATOR, ...command.slice(1)], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(replayed.status, 0);
    assert.match(replayed.stdout, /UVM_ERROR mismatch/);
    // The copied repro line runs the example job again outside gator, from anywhere: the same
    // exit code and the same first error as the run recorded.
    await first.locator('[data-testid="repro"] button.copy').click();
    const repro = await clipboard();
    assert.equal(repro, expected[0]?.repro);
    const example = shown[0]?.example ?? '';
    const [exitCode] = gatorOutput(['query', join(root, 'failed'), `SELECT exit_code FROM jobs WHERE path = '${example}'`, '--no-header'])
      .trim()
      .split('\n');
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    const rerun = spawnSync('sh', ['-c', repro], { cwd: elsewhere, encoding: 'utf8' });
    assert.equal(rerun.status, Number(exitCode), rerun.stderr);
    assert.match(rerun.stderr, /UVM_ERROR mismatch at 0x1f\d seed \d/);
  });

  it("filters a job's log by severity and text, and plots CPU and RSS from its samples", async () => {
    const id = jobId('failed', 'regress.build');
    await page.goto(open(`/runs/failed/jobs/${id}`));
    const count = page.locator('[data-testid="log-count"]');
    await count.waitFor();
    const all = await until(async () => {
      const shown = Number(await count.getAttribute('data-all'));
      return shown > 0 ? shown : undefined;
    }, 'the log to open');
    assert.equal(all, 64);
    await page.locator('[data-testid="severity"]').selectOption('ERROR');
    await until(async () => ((await count.getAttribute('data-total')) === '1' ? true : undefined), 'one ERROR line');
    assert.deepEqual(
      await page.locator('.log-line').evaluateAll((lines) => (lines as unknown as DomNode[]).map((line) => line.getAttribute('data-severity'))),
      ['ERROR'],
    );
    assert.match((await page.locator('.log-line').first().textContent()) ?? '', /linker warning treated as error/);
    await page.locator('[data-testid="severity"]').selectOption('');
    await until(async () => ((await count.getAttribute('data-total')) === String(all) ? true : undefined), 'every line again');
    await page.locator('[data-testid="errors-only"]').check();
    await until(async () => ((await count.getAttribute('data-total')) === '1' ? true : undefined), 'errors only');
    await page.locator('[data-testid="errors-only"]').uncheck();
    await page.locator('[data-testid="search"]').fill('NEEDLE');
    await until(async () => ((await count.getAttribute('data-total')) === '1' ? true : undefined), 'one line with the needle');
    assert.match((await page.locator('.log-line').first().textContent()) ?? '', /a needle in the log/);
    // A line link is stable: it opens the page at that line, highlighted.
    const n = await page.locator('.log-line').first().getAttribute('data-n');
    await page.goto(open(`/runs/failed/jobs/${id}?line=${n}`));
    await page.locator(`.log-line.target[data-n="${n}"]`).waitFor();

    const samples = Number(gatorOutput(['query', join(root, 'failed'), `SELECT count(*) FROM samples WHERE job_id = ${id}`, '--no-header']).trim());
    assert.ok(samples >= 2, `the build job was sampled (${samples} samples)`);
    const plot = page.locator('[data-testid="job-resources"]');
    await plot.waitFor();
    assert.equal(Number(await plot.getAttribute('data-points')), samples);
    // The series are drawn: the CPU and RSS line colours are on the plot's canvas.
    // (No named helpers inside: the test's TypeScript loader would wrap them in a helper the page lacks.)
    const colours = await plot.locator('canvas').evaluate((element) => {
      const canvas = element as unknown as Canvas;
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      const found = { cpu: 0, rss: 0 };
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b, a] = [data[i] as number, data[i + 1] as number, data[i + 2] as number, data[i + 3] as number];
        if (a < 200) continue;
        if (Math.abs(r - 0xd9) < 24 && Math.abs(g - 0x48) < 24 && Math.abs(b - 0x0f) < 24) found.cpu++;
        if (Math.abs(r - 0x2f) < 24 && Math.abs(g - 0x9e) < 24 && Math.abs(b - 0x44) < 24) found.rss++;
      }
      return found;
    });
    assert.ok(colours.cpu > 0 && colours.rss > 0, JSON.stringify(colours));
  });

  it('answers a SELECT in the SQL box (table and CSV) and refuses DELETE and ATTACH, leaving the file unchanged', async () => {
    const db = join(root, 'failed', 'run.sqlite');
    const before = sha(db);
    await page.goto(open('/runs/failed/sql'));
    const box = page.locator('[data-testid="sql"]');
    await box.fill("SELECT path, exit_code FROM jobs WHERE kind = 'job' AND result = 'failure' ORDER BY id");
    await page.locator('[data-testid="run-sql"]').click();
    await page.locator('[data-testid="sql-result"]').waitFor();
    const rows = await page
      .locator('[data-testid="sql-result"] tbody tr')
      .evaluateAll((trs) => (trs as unknown as DomNode[]).map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
    assert.deepEqual(rows, [
      ['regress.build', '0'],
      ['regress.sims.sim_0', '1'],
      ['regress.sims.sim_1', '3'],
      ['regress.sims.sim_3', '1'],
      ['regress.sims.sim_4', '3'],
    ]);
    // The CSV download is the whole result, as `gator query --csv` writes it.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="csv"]').click()]);
    const csv = readFileSync(await download.path(), 'utf8');
    assert.equal(
      csv,
      gatorOutput(['query', join(root, 'failed'), '--csv', "SELECT path, exit_code FROM jobs WHERE kind = 'job' AND result = 'failure' ORDER BY id"]),
    );
    assert.equal(download.suggestedFilename(), 'failed-query.csv');
    for (const sql of ['DELETE FROM message', `ATTACH DATABASE '${join(dir, 'other.sqlite')}' AS other`]) {
      await box.fill(sql);
      await page.locator('[data-testid="run-sql"]').click();
      const error = page.locator('[data-testid="sql-error"]');
      await error.waitFor();
      const cli = spawnSync(process.execPath, [GATOR, 'query', join(root, 'failed'), sql], { encoding: 'utf8' });
      assert.equal(`gator: ${await error.textContent()}\n`, cli.stderr, sql);
      assert.match((await error.textContent()) ?? '', /^query refused/);
    }
    assert.equal(sha(db), before);
  });

  it('marks a job that passed and failed with the same inputs as flaky in the history', async () => {
    await page.goto(open('/runs/flaky2/history'));
    const row = page.locator('.history-row[data-path="flaky"]');
    await row.waitFor();
    assert.equal(await row.getAttribute('data-flaky'), '1');
    assert.equal(await row.getAttribute('data-cells'), 'FP');
    await page.goto(open('/runs/passed/history'));
    assert.equal(await page.locator('.history-row[data-path="smoke.hello"]').getAttribute('data-flaky'), '0');
  });

  it("writes screenshots of the runs, run and job pages (and the run's other tabs), none of them blank", async () => {
    const out = screenshotDir();
    const shots: [string, string, string][] = [
      ['runs', '/', 'tr[data-run="failed"]'],
      ['run', '/runs/failed', '.tree-row[data-path="regress.sims.sim_5"]'],
      ['job', `/runs/failed/jobs/${jobId('failed', 'regress.build')}`, '[data-testid="job-resources"] canvas'],
      ['failures', '/runs/failed/failures', '[data-testid="failure-group"]'],
      ['timeline', '/runs/failed/timeline', '[data-testid="timeline"] canvas'],
      ['resources', '/runs/failed/resources', '[data-testid="run-resources"] canvas'],
    ];
    for (const [name, path, ready] of shots) {
      await page.goto(open(path));
      await page.locator(ready).first().waitFor();
      const png = await page.screenshot({ path: join(out, `hub-${name}.png`) });
      assert.ok(pngColours(png) > 16, `${name}: the screenshot is not blank`);
    }
    // The run's resource plot drew the sampled ticks.
    assert.ok(Number(await page.locator('[data-testid="run-resources"]').getAttribute('data-points')) >= 2);
    process.stdout.write(`# hub screenshots in ${out}\n`);
  });
});
