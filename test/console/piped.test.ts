// With output piped, no escape sequence appears anywhere (job output included); --json puts one
// parseable document on stdout and everything for people on stderr.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DRIVE = path.join(ROOT, 'test/helpers/console/drive.ts');
const ESCAPE = /[\u001b\u009b]/;

const drive = (args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const { NO_COLOR: _n, FORCE_COLOR: _f, ...base } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', DRIVE, ...args], { cwd: ROOT, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

for (const args of [[], ['--progress', '--status-interval', '0.2'], ['--all-msg', '-v'], ['--quiet']]) {
  test(`piped output has no escape sequence: ${args.join(' ') || 'default'}`, async () => {
    const { code, stdout, stderr } = await drive(['--jobs', '60', '--duration-ms', '40', ...args]);
    assert.equal(code, 1, stderr);
    assert.doesNotMatch(stdout, ESCAPE);
    assert.doesNotMatch(stderr, ESCAPE);
    // The job that prints an escape sequence shows it made visible.
    if (!args.includes('--quiet')) assert.match(stdout, /␛\[31mcorrupt␛\[0m packet␍ at 0x/);
    if (args.includes('--progress')) assert.match(stdout, / STATUS {3}run: \d+\/60 done/);
    assert.match(stdout, /Database: \S+run\.sqlite\n/);
  });
}

test('--json: stdout is one JSON document, the people-facing output is on stderr', async () => {
  const { code, stdout, stderr } = await drive(['--jobs', '40', '--duration-ms', '20', '--json']);
  assert.equal(code, 1);
  const report = JSON.parse(stdout) as { failures: { jobs: number; buckets: { signature: string; paths: string[] }[] }; totals: { total: number } };
  assert.equal(report.totals.total, 40);
  assert.ok(report.failures.buckets.length > 1);
  assert.match(stderr, /FAIL +gator: run failed/);
  assert.match(stderr, /\nSummary +jobs/);
  assert.doesNotMatch(stdout, /FAIL|Summary/);
});
