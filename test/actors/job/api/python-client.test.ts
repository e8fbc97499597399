// Gator's own wire protocol, spoken by a Python client built on Debian's python3-websockets the
// way Gator's client library speaks it, against the job API endpoint.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { JobApiServer } from '../../../../actors/job/api/server.js';
import { JobRequests } from '../../../../actors/job/api/requests.js';
import { Severity } from '../../../../vocabulary/codes.js';
import { PYTHON_SKIP, pythonWithWebsockets } from '../../../helpers/python.js';

const CLIENT = join('test', 'fixtures', 'api', 'gator_job.py');

/** Runs a process to its end without blocking this process's event loop (the endpoint lives here). */
const run = (command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });

describe('job API and a Python Gator client', () => {
  const python = pythonWithWebsockets();
  it('logs at every severity, records metrics, gets the error reply for an unknown action', { skip: python === null ? PYTHON_SKIP : false }, async () => {
    const logs: [number, string][] = [];
    const metrics: [string, number][] = [];
    const requests = new JobRequests({ log: (severity, text) => logs.push([severity, text]), metric: (name, value) => metrics.push([name, value]) });
    let api: JobApiServer | undefined;
    const port = await new Promise<number>((resolve, reject) => {
      api = JobApiServer.open({ request: (token, request) => api?.answer(token, requests.apply(request).reply), problem: () => undefined }, resolve, reject);
    });
    try {
      const args = [
        CLIENT,
        '--log',
        'DEBUG:d',
        '--log',
        'INFO:i',
        '--log',
        'WARNING:w',
        '--log',
        'ERROR:e',
        '--log',
        'CRITICAL:c',
        '--metric',
        'coverage=87.5',
        '--expect-error',
        'register',
      ];
      const child = await run(python as string, args, { ...process.env, GATOR_PARENT: `127.0.0.1:${port}` });
      assert.equal(child.status, 0, `${child.stdout}\n${child.stderr}`);
      assert.match(child.stdout, /linked to gator 1\.0/);
      assert.match(child.stdout, /metric coverage: \{'result': 'success'\}/);
      assert.match(child.stdout, /error as expected: Server responded with an error for 'register': .*Unknown action 'register'/);
      assert.deepEqual(logs, [
        [Severity.DEBUG, 'd'],
        [Severity.INFO, 'i'],
        [Severity.WARNING, 'w'],
        [Severity.ERROR, 'e'],
        [Severity.CRITICAL, 'c'],
      ]);
      assert.deepEqual(metrics, [['coverage', 87.5]]);
    } finally {
      api?.close();
    }
  });
});
