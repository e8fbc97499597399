// A smoke test of the benchmark harness: a tiny W1 (N=20, one repetition) into a temporary
// results file, checking the shape of what it writes. It never asserts speed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseGnuTime, parseShTimes } from '../../benchmarks/harness/measure.js';
import { median } from '../../benchmarks/harness/stats.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const bench = (args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'benchmarks/run.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });

describe('benchmark harness', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gator-bench-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a tiny W1 against its baselines and writes the results table', async () => {
    const out = join(dir, 'RESULTS.md');
    const result = await bench(['--only', 'W1', '--w1', '20', '--reps', '1', '--out', out, '--work', join(dir, 'work'), '--no-external', '--no-install']);
    assert.equal(result.code, 0, result.stderr);
    const text = readFileSync(out, 'utf8');
    assert.match(text, /^# Benchmark results/m);
    assert.match(text, /^## Machine/m);
    assert.match(text, /^\| cores \(os\.availableParallelism\) \| \d+ \|$/m);
    assert.match(text, /^## Targets/m);
    assert.match(text, /^\| W1 N=10,000: gator wall ≤ 1\.5× `xargs -P \d+` \(scaled down: N=20\) \| [\d.]+× .*\| ≤ 1\.5 \| (met|\*\*not met\*\*) \|/m);
    assert.match(text, /^\| W4: .* \| not measured \|/m);
    assert.match(text, /^### W1 arrays: N = 20 `true` jobs/m);
    // One row per command: the runner and xargs measured, GNU parallel measured or skipped.
    assert.match(text, /^\| \*\*gator\*\* \| 1\/1 \| [\d.]+ \| [\d.]+ \| (\d+|n\/a) \| [\d,]+ \| {2}\| (\d+%|n\/a) \|$/m);
    assert.match(text, /^\| xargs -P \d+ \| 1\/1 \| [\d.]+ \| [\d.]+ \| (\d+|n\/a) \| [\d,]+ \| [\d.]+× \| (\d+%|n\/a) \|$/m);
    assert.match(text, /^\| GNU parallel -j \d+ \| (1\/1|skipped: .*) \|/m);
    assert.match(text, /^- gator: `node bin\/gator\.js run .*w1-20\.yaml --tracking .* --quiet`$/m);
    assert.match(text, /^- xargs -P \d+: `seq 20 \| xargs -P \d+ -n 1 true`$/m);
    assert.match(result.stdout, /W1 N=10,000: gator wall/);
  });

  it('runs an earlier build (--before) beside this one in W3 and W4, and judges both against it', async () => {
    const out = join(dir, 'RESULTS-before.md');
    // This checkout stands in for the earlier build: the rows and targets are what is checked.
    const result = await bench([
      ...['--only', 'W3,W4', '--w3-leaves', '100', '--reps', '1', '--before', ROOT],
      ...['--out', out, '--work', join(dir, 'work-before'), '--no-external', '--no-install'],
    ]);
    assert.equal(result.code, 0, result.stderr);
    const text = readFileSync(out, 'utf8');
    const before = /^\| \*\*gator before \(.*\)\*\* \| 1\/1 \| [\d.]+ \| [\d.]+ \|/gm;
    assert.equal(text.match(before)?.length, 2, 'one earlier-build row in W3 and one in W4');
    assert.match(text, /^- gator before \(.*\): `node .*bin\/gator\.js run .*w3-100\.yaml --tracking .*w3-before --quiet`$/m);
    assert.match(text, /^- gator before \(.*\): `node .*bin\/gator\.js run .*w4-echo\.yaml --tracking .*w4-before --quiet`$/m);
    assert.match(
      text,
      /^\| W3 tree: gator's wall within 5% of the earlier build's \(--before\) \| [\d.]+× \(.*; CPU [\d.]+×: .*\) \| ≤ 1\.05 \| (met|\*\*not met\*\*) \|/m,
    );
    assert.match(
      text,
      /^\| W4: gator's wall .* within 5% of the earlier build's \(--before\) \| [\d.]+× \(.*; CPU [\d.]+×: .*\) \| ≤ 1\.05 \| (met|\*\*not met\*\*) \|/m,
    );
  });

  it('parses GNU time and `times` output and takes medians', () => {
    assert.deepEqual(parseGnuTime('Command exited with non-zero status 1\n1.50 0.75 0.25 20480\n'), { userS: 0.75, sysS: 0.25, maxRssBytes: 20480 * 1024 });
    assert.equal(parseGnuTime('garbage'), null);
    assert.deepEqual(parseShTimes('0m0.010000s 0m0.000000s\n1m2.500000s 0m0.250000s\n'), { userS: 62.5, sysS: 0.25, maxRssBytes: null });
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });
});
