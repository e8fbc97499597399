// The job API endpoint on real sockets: Gator's websocket protocol through a ws client, the
// HTTP routes through fetch, backpressure, and closing at the end of a job.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { JobApiServer, MAX_CONNECTIONS, type ApiHandler } from '../../../../actors/job/api/server.js';
import { JobRequests } from '../../../../actors/job/api/requests.js';
import type { ApiRequest } from '../../../../actors/job/api/protocol.js';
import { Severity } from '../../../../vocabulary/codes.js';

interface Recorded {
  logs: { severity: number; text: string; ts: number | null }[];
  metrics: [string, number][];
  problems: string[];
}

/** An endpoint whose requests are applied at once (unless `hold` is set) by the real JobRequests. */
const open = async (options: { hold?: boolean } = {}) => {
  const recorded: Recorded = { logs: [], metrics: [], problems: [] };
  const requests = new JobRequests({
    log: (severity, text, ts) => recorded.logs.push({ severity, text, ts }),
    metric: (name, value) => recorded.metrics.push([name, value]),
  });
  const held: [number, ApiRequest][] = [];
  let api: JobApiServer | undefined;
  const handler: ApiHandler = {
    request: (token, request) => {
      if (options.hold === true) {
        held.push([token, request]);
        return;
      }
      const { reply, problem } = requests.apply(request);
      if (problem !== null) recorded.problems.push(problem);
      api?.answer(token, reply);
    },
    problem: (text) => recorded.problems.push(text),
  };
  const port = await new Promise<number>((resolve, reject) => {
    api = JobApiServer.open(handler, resolve, reject);
  });
  const release = (): void => {
    for (const [token, request] of held.splice(0)) {
      const { reply } = requests.apply(request);
      api?.answer(token, reply);
    }
  };
  return { api: api as JobApiServer, port, recorded, release, held: () => held.length };
};

const servers: JobApiServer[] = [];
after(() => servers.forEach((s) => s.close()));

const connect = (port: number): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });

/** Sends a frame and waits for the reply with that rsp_id (or the next frame when rspId is undefined). */
const ask = (ws: WebSocket, frame: unknown, rspId?: number | null): Promise<Record<string, unknown>> =>
  new Promise((resolve) => {
    const onMessage = (data: Buffer): void => {
      const reply = JSON.parse(data.toString()) as Record<string, unknown>;
      if (rspId !== undefined && reply['rsp_id'] !== rspId) return;
      ws.off('message', onMessage);
      resolve(reply);
    };
    ws.on('message', onMessage);
    ws.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
  });

const waitFor = async (check: () => boolean, what: string): Promise<void> => {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('job API endpoint', () => {
  it('listens on 127.0.0.1 only, on a port of its own', async () => {
    const a = await open();
    const b = await open();
    servers.push(a.api, b.api);
    assert.notEqual(a.port, b.port);
    // Not reachable through another local address.
    const other = (await import('node:os')).networkInterfaces();
    const external = Object.values(other)
      .flat()
      .find((i) => i !== undefined && i.family === 'IPv4' && !i.internal);
    if (external !== undefined) {
      await assert.rejects(fetch(`http://${external.address}:${a.port}/`), 'not on ' + external.address);
    }
  });

  it("speaks Gator's websocket protocol: posted log, metric with reply, identify, unknown action, req_id echoed", async () => {
    const { api, port, recorded } = await open();
    servers.push(api);
    const ws = await connect(port);
    ws.send(JSON.stringify({ action: 'log', posted: true, payload: { timestamp: 1700000000, severity: 'warning ', message: '  careful  ' } }));
    assert.deepEqual(await ask(ws, { action: 'metric', posted: false, req_id: 7, payload: { name: 'widgets', value: 123 } }, 7), {
      action: 'metric',
      rsp_id: 7,
      result: 'success',
      payload: { result: 'success' },
    });
    assert.deepEqual(await ask(ws, { posted: false, req_id: 8, payload: {} }, 8), {
      action: 'identify',
      rsp_id: 8,
      result: 'success',
      payload: { tool: 'gator', version: '1.0' },
    });
    assert.deepEqual(await ask(ws, { action: 'register', posted: false, req_id: 9, payload: { ident: 'x' } }, 9), {
      result: 'error',
      rsp_id: 9,
      reason: "Unknown action 'register'",
    });
    assert.deepEqual(await ask(ws, { action: 'log', posted: false, req_id: 10, payload: { severity: 'bogus', message: 'unknown severity is INFO' } }, 10), {
      action: 'log',
      rsp_id: 10,
      result: 'success',
      payload: {},
    });
    // A missing req_id is 0, as in Gator's router.
    assert.deepEqual(await ask(ws, { action: 'log', payload: { message: 'no id' } }, 0), { action: 'log', rsp_id: 0, result: 'success', payload: {} });
    ws.close();
    assert.deepEqual(recorded.logs, [
      { severity: Severity.WARNING, text: 'careful', ts: 1700000000 },
      { severity: Severity.INFO, text: 'unknown severity is INFO', ts: null },
      { severity: Severity.INFO, text: 'no id', ts: null },
    ]);
    assert.deepEqual(recorded.metrics, [['widgets', 123]]);
  });

  it('answers bad requests with a clear error and records the posted ones it cannot answer', async () => {
    const { api, port, recorded } = await open();
    servers.push(api);
    const ws = await connect(port);
    const bad = async (payload: unknown): Promise<string> => {
      const reply = await ask(ws, { action: 'metric', req_id: 1, payload }, 1);
      assert.equal(reply['result'], 'error');
      return String(reply['reason']);
    };
    assert.match(await bad({ name: 'cov', value: 'NaN' }), /finite number/);
    assert.match(await bad({ name: 'cov', value: '1e400' }), /finite number/);
    assert.match(await bad({ name: 'cov', value: true }), /finite number/);
    assert.match(await bad({ name: 'cov' }), /has no value/);
    assert.match(await bad({ name: 'msg_error', value: 0 }), /reserved/);
    assert.match(await bad({ name: 'SUB_total', value: 0 }), /reserved/);
    assert.match(await bad({ name: '', value: 0 }), /must not be empty/);
    assert.match(await bad({ name: 'x'.repeat(500), value: 0 }), /longer than/);
    assert.match(await bad({ value: 1 }), /name must be a string/);
    assert.match(String((await ask(ws, { action: 'log', req_id: 2, payload: { severity: 40, message: 'x' } }, 2))['reason']), /severity must be a name/);
    assert.match(String((await ask(ws, { action: 'log', req_id: 3, payload: { message: ['x'] } }, 3))['reason']), /message must be a string/);
    const malformed = await ask(ws, '{not json', null);
    assert.equal(malformed['result'], 'error');
    assert.match(String(malformed['reason']), /malformed frame: not JSON/);
    assert.match(String((await ask(ws, '[1,2]', null))['reason']), /a request is a JSON object/);
    assert.match(String((await ask(ws, Buffer.from([1, 2, 3]), null))['reason']), /binary frames/);
    // Posted: no reply, but the job's record says what was ignored.
    ws.send(JSON.stringify({ action: 'metric', posted: true, payload: { name: 'cov', value: 'x' } }));
    ws.send(JSON.stringify({ action: 'nope', posted: true }));
    await waitFor(() => recorded.problems.some((p) => p.includes("Unknown action 'nope'")), 'the posted problems');
    assert.ok(
      recorded.problems.some((p) => /metric: the value of metric "cov" must be a finite number/.test(p)),
      recorded.problems.join('\n'),
    );
    assert.deepEqual(recorded.metrics, []);
    ws.close();
  });

  it('caps the number of metric names per job', async () => {
    const { api, port } = await open();
    servers.push(api);
    const many = Array.from({ length: 1000 }, (_, i) => ({ name: `m${i}`, value: i }));
    const ok = await fetch(`http://127.0.0.1:${port}/metric`, { method: 'POST', body: JSON.stringify(many) });
    assert.equal(ok.status, 200);
    const again = await fetch(`http://127.0.0.1:${port}/metric`, { method: 'POST', body: JSON.stringify({ name: 'm5', value: 1 }) });
    assert.equal(again.status, 200, 'an existing name is fine');
    const refused = await fetch(`http://127.0.0.1:${port}/metric`, { method: 'POST', body: JSON.stringify({ name: 'one_more', value: 1 }) });
    assert.equal(refused.status, 400);
    assert.match(((await refused.json()) as { reason: string }).reason, /at most 1000 different metric names/);
  });

  it('has plain HTTP routes on the same port', async () => {
    const { api, port, recorded } = await open();
    servers.push(api);
    const base = `http://127.0.0.1:${port}`;
    assert.deepEqual(await (await fetch(`${base}/`)).json(), { result: 'success', payload: { tool: 'gator', version: '1.0' } });
    const log = await fetch(`${base}/log`, { method: 'POST', body: JSON.stringify({ severity: 'ERROR', message: 'from curl' }) });
    assert.deepEqual([log.status, await log.json()], [200, { result: 'success', payload: {} }]);
    const metric = await fetch(`${base}/metric`, {
      method: 'POST',
      body: JSON.stringify([
        { name: 'cov', value: '87.5' },
        { name: 'n', value: 3 },
      ]),
    });
    assert.deepEqual([metric.status, await metric.json()], [200, { result: 'success', payload: { result: 'success' } }]);
    const gator = await fetch(`${base}/`, { method: 'POST', body: JSON.stringify({ action: 'metric', req_id: 4, payload: { name: 'g', value: 1 } }) });
    assert.deepEqual(await gator.json(), { action: 'metric', rsp_id: 4, result: 'success', payload: { result: 'success' } });
    const bad = await fetch(`${base}/metric`, {
      method: 'POST',
      body: JSON.stringify([
        { name: 'ok', value: 1 },
        { name: 'x', value: 'inf' },
      ]),
    });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { reason: string }).reason, /entry 1: .*finite number/);
    assert.equal((await fetch(`${base}/log`, { method: 'POST', body: 'plain text' })).status, 400);
    assert.equal((await fetch(`${base}/nowhere`)).status, 404);
    assert.equal((await fetch(`${base}/log`)).status, 405);
    assert.equal((await fetch(`${base}/log`, { method: 'POST', body: 'x'.repeat(17 * 1024 * 1024) }).catch(() => ({ status: 413 }))).status, 413);
    assert.equal((await fetch(`${base}/log`, { method: 'POST', headers: { origin: 'http://evil.example' }, body: '{"message":"x"}' })).status, 403);
    assert.deepEqual(recorded.logs, [{ severity: Severity.ERROR, text: 'from curl', ts: null }]);
    assert.deepEqual(
      recorded.metrics,
      [
        ['cov', 87.5],
        ['n', 3],
        ['g', 1],
      ],
      'the bad list stored nothing',
    );
  });

  it('stops reading a flooding client while the job is behind, and loses nothing', async () => {
    const { api, port, recorded, release, held } = await open({ hold: true });
    servers.push(api);
    const ws = await connect(port);
    const total = 200_000;
    const frame = (i: number): string => JSON.stringify({ action: 'log', posted: true, payload: { message: `line ${i} ${'x'.repeat(40)}` } });
    for (let i = 0; i < total; i++) ws.send(frame(i));
    // The job applies nothing: the endpoint stops reading once 4096 requests wait (plus what
    // one read had already parsed), and the rest stays with the client and in the kernel.
    await waitFor(() => held() >= 4096, 'the first requests');
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(held() < 4096 + 5000, `the endpoint stopped reading (${held()} requests waiting)`);
    assert.ok(ws.bufferedAmount > 0, 'the client is held back');
    // Now apply as they come, until all have arrived.
    const timer = setInterval(release, 5);
    await waitFor(() => recorded.logs.length === total, `all ${total} messages (have ${recorded.logs.length})`);
    clearInterval(timer);
    assert.ok(
      recorded.logs.every((log, i) => log.text.startsWith(`line ${i} `)),
      'all, in order',
    );
    ws.close();
  });

  it('drains at the end of a job: waits for open connections, then says how many stayed open', async () => {
    const a = await open();
    servers.push(a.api);
    const ws = await connect(a.port);
    ws.send(JSON.stringify({ action: 'log', posted: true, payload: { message: 'last words' } }));
    const closedAfter = new Promise<number>((resolve) => a.api.drain(10_000, resolve));
    ws.close();
    assert.equal(await closedAfter, 0);
    assert.deepEqual(
      a.recorded.logs.map((l) => l.text),
      ['last words'],
    );

    const b = await open();
    servers.push(b.api);
    const stubborn = await connect(b.port);
    assert.equal(await new Promise<number>((resolve) => b.api.drain(200, resolve)), 1);
    b.api.close();
    await waitFor(() => stubborn.readyState === stubborn.CLOSED, 'the stubborn client to be closed');
    // The endpoint is gone: a late client is refused.
    await assert.rejects(connect(b.port));
  });

  it('refuses connections beyond its limit', async () => {
    const { api, port } = await open();
    servers.push(api);
    const open_: WebSocket[] = [];
    for (let i = 0; i < MAX_CONNECTIONS; i++) open_.push(await connect(port));
    await assert.rejects(connect(port));
    for (const ws of open_) ws.close();
  });
});
