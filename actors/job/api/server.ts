// One job's API endpoint: a listener on 127.0.0.1 and an ephemeral port of its own, so that
// whatever arrives on it can only be that job's (Gator's client sends no job id: the port is
// the identity). It speaks Gator's websocket protocol (through the `ws` package) and plain HTTP
// on the same port. Requests go to the job (its actor applies them and answers); what cannot be
// a request is answered here. Backpressure: while too many requests wait for the job, or the
// job's thread has too much unstored output, every connection stops being read, so a flooding
// client is slowed by TCP and nothing is dropped.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import { ApiError, IDENTITY, parseFrame, parseRouteBody, failure, success, type ApiRequest, type Reply } from './protocol.js';

/** Largest websocket frame or HTTP body accepted (a log line is cut at 8 MiB anyway). */
const MAX_PAYLOAD = 16 * 1024 * 1024;
/** Connections one job may hold open at once; more are refused (each costs a descriptor). */
export const MAX_CONNECTIONS = 64;
/** Requests handed to the job and not yet applied: above this, stop reading; resume below a quarter. */
const HIGH_PENDING = 4096;
/** Replies a client has not read: above this many bytes stop reading its requests. */
const HIGH_UNREAD = 1024 * 1024;

export interface ApiHandler {
  /** A request for the job; it must call `answer(token, …)` once the request is applied. */
  request(token: number, request: ApiRequest): void;
  /** Something the job sent that could not be a request (already answered when it could be). */
  problem(text: string): void;
}

type Responder =
  | { readonly kind: 'ws'; readonly ws: WebSocket; readonly action: string; readonly reqId: number }
  /** `reqId` set: `POST /` with a Gator request, answered with Gator's envelope. */
  | { readonly kind: 'http'; readonly res: ServerResponse; readonly action: string; readonly reqId: number | null }
  | { readonly kind: 'none' };

const NONE: Responder = { kind: 'none' };

/** Gives the websocket upgrade handler, loading `ws` the first time a job asks for a websocket. */
export type Upgrader = () => Promise<WebSocketServer>;

/**
 * The upgrade handler every endpoint of a thread shares (it holds no per-job state). `ws` is
 * loaded only when a job first opens a websocket: most jobs never do, and loading it before a
 * thread's first job would delay that job's start (measured: 15–30 ms on a quiet 2-core
 * machine, over 100 ms on a busy one).
 */
export const createUpgrader = (): Upgrader => {
  let loading: Promise<WebSocketServer> | null = null;
  return () =>
    (loading ??= import('ws').then(
      ({ WebSocketServer }) => new WebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: false, maxPayload: MAX_PAYLOAD }),
    ));
};

const sharedUpgrader = createUpgrader();

const json = (res: ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

const ROUTES = 'GET / (identify), POST /log, POST /metric, POST / (a Gator request)';

export class JobApiServer {
  readonly #server: Server;
  readonly #handler: ApiHandler;
  readonly #upgrader: Upgrader;
  /** Every connection, to know when the job's have all closed. */
  readonly #sockets = new Set<Socket>();
  /** Connections still speaking HTTP (the others are websockets, paused through ws). */
  readonly #httpSockets = new Set<Socket>();
  readonly #websockets = new Set<WebSocket>();
  readonly #responders = new Map<number, Responder>();
  #nextToken = 1;
  #pending = 0;
  #port = 0;
  #overloaded = false;
  #heldByJob = false;
  #closed = false;
  #drained: (() => void) | null = null;

  private constructor(handler: ApiHandler, upgrader: Upgrader) {
    this.#handler = handler;
    this.#upgrader = upgrader;
    this.#server = createServer({ maxHeaderSize: 16 * 1024 }, (req, res) => this.#http(req, res));
    this.#server.maxConnections = MAX_CONNECTIONS;
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      this.#httpSockets.add(socket);
      if (this.#paused) socket.pause();
      socket.once('close', () => {
        this.#sockets.delete(socket);
        this.#httpSockets.delete(socket);
        if (this.#sockets.size === 0) this.#drained?.();
      });
    });
    this.#server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      if (req.headers.origin !== undefined) {
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
        this.#handler.problem(`refused a websocket from a web page (Origin: ${req.headers.origin})`);
        return;
      }
      this.#httpSockets.delete(socket);
      socket.pause();
      this.#upgrader().then(
        (wss) => {
          if (this.#closed || socket.destroyed) return void socket.destroy();
          wss.handleUpgrade(req, socket, head, (ws) => this.#websocket(ws));
        },
        (error: unknown) => {
          socket.destroy();
          this.#handler.problem(`cannot accept a websocket: ${error instanceof Error ? error.message : String(error)}`);
        },
      );
    });
  }

  /** Opens an endpoint on 127.0.0.1 and a free port; `ready` gets the port, `failed` the reason. */
  static open(handler: ApiHandler, ready: (port: number) => void, failed: (error: Error) => void, upgrader: Upgrader = sharedUpgrader): JobApiServer {
    const api = new JobApiServer(handler, upgrader);
    api.#server.once('error', failed);
    api.#server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = api.#server.address();
      api.#port = typeof address === 'object' && address !== null ? address.port : 0;
      api.#server.removeListener('error', failed);
      api.#server.on('error', () => undefined);
      ready(api.#port);
    });
    return api;
  }

  get port(): number {
    return this.#port;
  }

  /** Connections still open. */
  get connections(): number {
    return this.#sockets.size;
  }

  /** Answers a request handed to the job (null: nothing to send, e.g. a posted request). */
  answer(token: number, reply: Reply | null): void {
    const responder = this.#responders.get(token) ?? NONE;
    this.#responders.delete(token);
    this.#pending--;
    if (reply !== null) this.#send(responder, reply);
    this.#updateFlow();
  }

  /** While the job's thread has too much unstored output, stop reading requests. */
  hold(held: boolean): void {
    this.#heldByJob = held;
    this.#updateFlow();
  }

  /**
   * The job has ended: accept nothing new, and call `done` once every connection has closed
   * (the job's own close when it exits) or after `ms`, with how many were still open.
   */
  drain(ms: number, done: (open: number) => void): void {
    let finished = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      this.#drained = null;
      done(this.#sockets.size);
    };
    // One turn of the event loop first: a connection the job made just before it exited may
    // still wait to be accepted, and closing the listener now would reset it.
    setImmediate(() => {
      this.#server.close();
      if (this.#sockets.size === 0) return finish();
      timer = setTimeout(finish, ms);
      this.#drained = () => setImmediate(finish);
    });
  }

  /** Closes the endpoint and every connection at once. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#server.close();
    for (const ws of this.#websockets) ws.terminate();
    for (const socket of this.#sockets) socket.destroy();
    this.#responders.clear();
  }

  get #paused(): boolean {
    return this.#overloaded || this.#heldByJob;
  }

  #dispatch(request: ApiRequest, responder: Responder): void {
    const token = this.#nextToken++;
    if (responder.kind !== 'none') this.#responders.set(token, responder);
    this.#pending++;
    this.#updateFlow();
    this.#handler.request(token, request);
  }

  #updateFlow(): void {
    const wasPaused = this.#paused;
    if (!this.#overloaded && this.#pending > HIGH_PENDING) this.#overloaded = true;
    else if (this.#overloaded && this.#pending <= HIGH_PENDING / 4) this.#overloaded = false;
    const paused = this.#paused;
    if (paused === wasPaused) return;
    for (const socket of this.#httpSockets) {
      if (paused) socket.pause();
      else socket.resume();
    }
    for (const ws of this.#websockets) {
      if (paused) ws.pause();
      else if (ws.bufferedAmount <= HIGH_UNREAD) ws.resume();
    }
  }

  #websocket(ws: WebSocket): void {
    if (this.#closed) {
      ws.terminate();
      return;
    }
    this.#websockets.add(ws);
    // The socket was paused while `ws` loaded: it flows again unless the endpoint is held.
    if (this.#paused) ws.pause();
    else ws.resume();
    ws.on('close', () => this.#websockets.delete(ws));
    ws.on('error', (error) => this.#handler.problem(`websocket error: ${error.message}`));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        const reason = 'binary frames are not part of the protocol: send each request as a JSON text frame';
        this.#handler.problem(reason);
        this.#sendWs(ws, failure(null, reason));
        return;
      }
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      const parsed = parseFrame(bytes.toString('utf8'));
      switch (parsed.kind) {
        case 'request': {
          const { request } = parsed;
          this.#dispatch(request, request.reqId === null ? NONE : { kind: 'ws', ws, action: request.action, reqId: request.reqId });
          return;
        }
        case 'reply':
          if (parsed.problem !== null) this.#handler.problem(parsed.problem);
          if (parsed.frame !== null) this.#sendWs(ws, parsed.frame);
          return;
        case 'ignore':
          return;
      }
    });
  }

  #send(responder: Responder, reply: Reply): void {
    if (responder.kind === 'ws') {
      // The envelope names the request's action and id; the job fills in the rest.
      this.#sendWs(
        responder.ws,
        reply.result === 'success' ? success(responder.action, responder.reqId, reply.payload) : failure(responder.reqId, reply.reason),
      );
    } else if (responder.kind === 'http') {
      if (responder.res.writableEnded) return;
      const { reqId } = responder;
      if (reply.result === 'success')
        json(responder.res, 200, reqId === null ? { result: 'success', payload: reply.payload } : success(responder.action, reqId, reply.payload));
      else json(responder.res, 400, reqId === null ? { result: 'error', reason: reply.reason } : failure(reqId, reply.reason));
    }
  }

  #sendWs(ws: WebSocket, reply: Reply): void {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(JSON.stringify(reply), () => {
      // A client that does not read its replies stops being read until it does.
      if (ws.isPaused && !this.#paused && ws.bufferedAmount <= HIGH_UNREAD / 4) ws.resume();
    });
    if (ws.bufferedAmount > HIGH_UNREAD && !ws.isPaused) ws.pause();
  }

  #http(req: IncomingMessage, res: ServerResponse): void {
    if (req.headers.origin !== undefined) {
      json(res, 403, { result: 'error', reason: 'the job API does not accept requests from web pages' });
      this.#handler.problem(`refused an HTTP request from a web page (Origin: ${req.headers.origin})`);
      req.resume();
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    const action = path === '/log' ? 'log' : path === '/metric' ? 'metric' : path === '/' ? 'gator' : null;
    if (action === null) {
      json(res, 404, { result: 'error', reason: `no route ${req.method ?? ''} ${path ?? ''}: the job API has ${ROUTES}` });
      req.resume();
      return;
    }
    if (req.method === 'GET' && action === 'gator') {
      json(res, 200, { result: 'success', payload: IDENTITY });
      req.resume();
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', action === 'gator' ? 'GET, POST' : 'POST');
      json(res, 405, { result: 'error', reason: `${req.method ?? ''} ${path ?? ''} is not a route: the job API has ${ROUTES}` });
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > MAX_PAYLOAD) {
        refused = true;
        chunks.length = 0;
        json(res, 413, { result: 'error', reason: `the body is larger than ${MAX_PAYLOAD} bytes` });
        this.#handler.problem(`refused an HTTP body larger than ${MAX_PAYLOAD} bytes`);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (action === 'gator') {
        const parsed = parseFrame(text);
        if (parsed.kind === 'request') {
          const { request } = parsed;
          // A posted request is answered at once over HTTP (there is always a response).
          this.#dispatch(request, request.reqId === null ? NONE : { kind: 'http', res, action: request.action, reqId: request.reqId });
          if (request.reqId === null) json(res, 200, { result: 'success', payload: {} });
        } else if (parsed.kind === 'reply') {
          if (parsed.problem !== null) this.#handler.problem(parsed.problem);
          const reply = parsed.frame;
          if (reply === null || reply.result === 'success') json(res, 200, reply ?? { result: 'success', payload: {} });
          else json(res, 400, reply);
        } else {
          json(res, 200, { result: 'success', payload: {} });
        }
        return;
      }
      try {
        this.#dispatch(parseRouteBody(action, text), { kind: 'http', res, action, reqId: null });
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        this.#handler.problem(`${action}: ${error.message}`);
        json(res, 400, { result: 'error', reason: error.message });
      }
    });
  }
}
