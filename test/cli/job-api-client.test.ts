// `gator log` and `gator metric`: argument parsing, and the built CLI against a real endpoint.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { JobApiServer } from '../../actors/job/api/server.js';
import { JobRequests } from '../../actors/job/api/requests.js';
import { endpointOf, parseArgs } from '../../cli/job-api-client.js';
import { Severity } from '../../vocabulary/codes.js';
import { GATOR } from '../helpers/cli.js';

const gatorWith = (args: readonly string[], env: Record<string, string>, input?: string): Promise<{ code: number | null; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [GATOR, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
    child.stdin.end(input ?? '');
  });

describe('gator log / gator metric arguments', () => {
  it('parses messages, severities and metric pairs', () => {
    assert.deepEqual(parseArgs('log', ['build', 'done']).entries, [{ severity: 'INFO', message: 'build done' }]);
    assert.deepEqual(parseArgs('log', ['-s', 'warning', 'careful']).entries, [{ severity: 'WARNING', message: 'careful' }]);
    assert.deepEqual(parseArgs('log', ['--severity=ERROR', '--', '-x']).entries, [{ severity: 'ERROR', message: '-x' }]);
    assert.equal(parseArgs('log', ['-s', 'DEBUG', '-']).fromStdin, true);
    assert.deepEqual(parseArgs('metric', ['cov', '87.5', 'delta', '-3']).entries, [
      { name: 'cov', value: 87.5 },
      { name: 'delta', value: -3 },
    ]);
    assert.throws(() => parseArgs('log', []), /needs a MESSAGE/);
    assert.throws(() => parseArgs('log', ['-s', 'LOUD', 'x']), /--severity must be one of/);
    assert.throws(() => parseArgs('metric', ['cov']), /NAME VALUE pairs/);
    assert.throws(() => parseArgs('metric', ['cov', 'NaN']), /finite number/);
    assert.throws(() => parseArgs('metric', ['msg_error', '1']), /reserved/);
    assert.throws(() => parseArgs('metric', ['--fast', 'cov', '1']), /unknown option '--fast'/);
  });

  it('reads the endpoint from GATOR_PARENT as Gator does (host:port, nothing else)', () => {
    assert.deepEqual(endpointOf({ GATOR_PARENT: '127.0.0.1:4567' }), { host: '127.0.0.1', port: 4567 });
    assert.throws(() => endpointOf({}), /GATOR_PARENT is not set/);
    assert.throws(() => endpointOf({ GATOR_PARENT: 'ws://127.0.0.1:4567/' }), /must be HOST:PORT/);
  });
});

describe('gator log / gator metric against an endpoint', () => {
  const logs: [number, string][] = [];
  const metrics: [string, number][] = [];
  const requests = new JobRequests({ log: (s, t) => logs.push([s, t]), metric: (n, v) => metrics.push([n, v]) });
  let api: JobApiServer | undefined;
  const ready = new Promise<number>((resolve, reject) => {
    api = JobApiServer.open({ request: (token, r) => api?.answer(token, requests.apply(r).reply), problem: () => undefined }, resolve, reject);
  });
  after(() => api?.close());

  it('sends a message, metric pairs, and batches from stdin', async () => {
    const env = { GATOR_PARENT: `127.0.0.1:${await ready}` };
    assert.deepEqual(await gatorWith(['log', '-s', 'WARNING', 'from', 'the', 'shell'], env), { code: 0, stderr: '' });
    assert.deepEqual(await gatorWith(['metric', 'coverage', '87.5', 'seeds', '3'], env), { code: 0, stderr: '' });
    const lines = Array.from({ length: 12_000 }, (_, i) => `m${i % 10} ${i}`).join('\n');
    assert.deepEqual(await gatorWith(['metric', '-'], env, `${lines}\n`), { code: 0, stderr: '' });
    assert.deepEqual(await gatorWith(['log', '-s', 'error', '-'], env, 'one\n\ntwo\n'), { code: 0, stderr: '' });
    assert.deepEqual(logs, [
      [Severity.WARNING, 'from the shell'],
      [Severity.ERROR, 'one'],
      [Severity.ERROR, 'two'],
    ]);
    assert.deepEqual(metrics.slice(0, 2), [
      ['coverage', 87.5],
      ['seeds', 3],
    ]);
    assert.equal(metrics.length, 2 + 12_000);
    assert.deepEqual(metrics.at(-1), ['m9', 11_999]);
  });

  it('says clearly when it cannot be used', async () => {
    const bad = await gatorWith(['metric', 'cov', 'abc'], { GATOR_PARENT: `127.0.0.1:${await ready}` });
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, 'gator metric: the value of metric \'cov\' must be a finite number, not "abc"\n');
    const stdinBad = await gatorWith(['metric', '-'], { GATOR_PARENT: `127.0.0.1:${await ready}` }, 'ok 1\nbroken\n');
    assert.equal(stdinBad.code, 2);
    assert.match(stdinBad.stderr, /stdin line 2: expected NAME VALUE/);
    const unset = await gatorWith(['log', 'x'], { GATOR_PARENT: '' });
    assert.equal(unset.code, 2);
    assert.match(unset.stderr, /GATOR_PARENT is not set/);
    const closed = await gatorWith(['log', 'x'], { GATOR_PARENT: '127.0.0.1:1' });
    assert.equal(closed.code, 1);
    assert.match(closed.stderr, /cannot reach the job API at 127\.0\.0\.1:1 \(connection refused/);
  });
});

describe('gator log / gator metric --help', () => {
  it('describe themselves, and gator --help lists them', async () => {
    const { gator } = await import('../helpers/cli.js');
    const log = await gator(['log', '--help']);
    assert.equal(log.code, 0);
    assert.match(log.stdout, /Usage: gator log \[-s SEVERITY\] MESSAGE/);
    assert.match(log.stdout, /GATOR_PARENT/);
    const metric = await gator(['metric', '--help']);
    assert.match(metric.stdout, /NAME VALUE/);
    const all = await gator(['--help']);
    assert.match(all.stdout, /^\s+log \[message\.\.\.\]/m);
    assert.match(all.stdout, /^\s+metric \[name-value\.\.\.\]/m);
  });
});
