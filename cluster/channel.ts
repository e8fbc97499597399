// The fast path from leaves to the head: TCP. Each leaf connects, proves it belongs to the run
// with the per-run secret from `head.json` (mode 0600, readable only by the submitting user),
// then sends every frame it appends to its spool, prefixed with the spool offset it was
// written at. The offset lets the head ignore what it already has and fill any gap from the
// spool, so reconnects and a new head after `gator attach` lose and repeat nothing.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { FRAME_HEADER, readFrames, type LeafFrame } from './frames.js';

const GREETING = 'GATOR1 ';
const OFFSET_BYTES = 8;
/** Bytes a leaf lets wait for a slow head before it stops sending (the spool has them all). */
const MAX_UNSENT = 8 * 1024 * 1024;

export interface HeadAddress {
  readonly host: string;
  readonly port: number;
  readonly secret: string;
  readonly pid: number;
}

/** Writes `head.json` so that only the run's user can read the secret. */
export const writeHeadFile = (path: string, address: HeadAddress): void => {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(address)}\n`, { mode: 0o600 });
  renameSync(temp, path);
};

export const readHeadFile = (path: string): HeadAddress | null => {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<HeadAddress>;
    if (typeof value.host !== 'string' || typeof value.port !== 'number' || typeof value.secret !== 'string') return null;
    return { host: value.host, port: value.port, secret: value.secret, pid: Number(value.pid) };
  } catch {
    return null;
  }
};

export interface ChannelEvents {
  /** A frame that begins at spool offset `start` of its node. */
  frame(frame: LeafFrame, start: number, end: number): void;
  /** A connection that carried frames of these nodes closed. */
  closed(nodes: readonly number[]): void;
}

/** The head's listener. Binds loopback unless told otherwise; every connection must send the secret. */
export class HeadChannel {
  readonly secret = randomBytes(24).toString('hex');
  #server: Server;
  #sockets = new Set<Socket>();

  private constructor(server: Server) {
    this.#server = server;
  }

  static async listen(bind: string, maxConnections: number, events: ChannelEvents): Promise<{ channel: HeadChannel; address: HeadAddress }> {
    const server = createServer();
    const channel = new HeadChannel(server);
    server.maxConnections = maxConnections;
    server.on('connection', (socket) => channel.#accept(socket, events));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, bind, () => resolve());
    });
    server.unref();
    const port = (server.address() as { port: number }).port;
    // A wildcard bind is reached through this host's name.
    const host = bind === '0.0.0.0' || bind === '::' ? hostname() : bind;
    return { channel, address: { host, port, secret: channel.secret, pid: process.pid } };
  }

  #accept(socket: Socket, events: ChannelEvents): void {
    this.#sockets.add(socket);
    socket.unref();
    socket.setNoDelay(true);
    const expected = Buffer.from(`${GREETING}${this.secret}\n`);
    let buffer: Buffer = Buffer.alloc(0);
    let authenticated = false;
    const nodes = new Set<number>();
    socket.on('data', (data: Buffer) => {
      buffer = buffer.length === 0 ? data : Buffer.concat([buffer, data]);
      if (!authenticated) {
        if (buffer.length < expected.length) {
          if (!expected.subarray(0, buffer.length).equals(buffer)) socket.destroy();
          return;
        }
        if (!timingSafeEqual(buffer.subarray(0, expected.length), expected)) {
          socket.destroy();
          return;
        }
        authenticated = true;
        buffer = buffer.subarray(expected.length);
      }
      let at = 0;
      while (buffer.length - at >= OFFSET_BYTES + FRAME_HEADER) {
        const length = buffer.readUInt32LE(at + OFFSET_BYTES + 5);
        const total = OFFSET_BYTES + FRAME_HEADER + length;
        if (buffer.length - at < total) break;
        const start = buffer.readUInt32LE(at) + buffer.readUInt32LE(at + 4) * 2 ** 32;
        const { frames } = readFrames(buffer.subarray(at + OFFSET_BYTES, at + total));
        for (const { frame } of frames) {
          nodes.add(frame.id);
          events.frame(frame, start, start + FRAME_HEADER + length);
        }
        at += total;
      }
      buffer = Buffer.from(buffer.subarray(at));
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.#sockets.delete(socket);
      if (nodes.size > 0) events.closed([...nodes]);
    });
  }

  close(): void {
    this.#server.close();
    for (const socket of this.#sockets) socket.destroy();
  }
}

/**
 * The leaf's side: connects when it can, sends each frame with its offset, and on a broken
 * connection tries again with backoff, re-reading `head.json` (a reattached head listens on
 * a new port). The spool already holds everything, so nothing is buffered here for a retry.
 */
export class LeafChannel {
  #headFile: string;
  #socket: Socket | null = null;
  #connected = false;
  #retryMs = 500;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(headFile: string) {
    this.#headFile = headFile;
    this.#connect();
  }

  get connected(): boolean {
    return this.#connected;
  }

  #connect(): void {
    this.#timer = null;
    if (this.#closed) return;
    const head = readHeadFile(this.#headFile);
    if (head === null) {
      this.#retry();
      return;
    }
    const socket = createConnection({ host: head.host, port: head.port });
    this.#socket = socket;
    socket.setNoDelay(true);
    const timeout = setTimeout(() => socket.destroy(), 5000);
    socket.once('connect', () => {
      clearTimeout(timeout);
      socket.write(`${GREETING}${head.secret}\n`);
      this.#connected = true;
      this.#retryMs = 500;
    });
    socket.on('error', () => {});
    socket.once('close', () => {
      clearTimeout(timeout);
      this.#connected = false;
      this.#socket = null;
      this.#retry();
    });
  }

  #retry(): void {
    if (this.#closed || this.#timer !== null) return;
    this.#timer = setTimeout(() => this.#connect(), this.#retryMs);
    this.#timer.unref();
    this.#retryMs = Math.min(this.#retryMs * 2, 30_000);
  }

  /** Sends a frame written at spool offset `start`, when connected. */
  send(frame: Buffer, start: number): void {
    if (!this.#connected || this.#socket === null) return;
    // A head that reads slower than the job prints: leave the rest to the spool, bounding memory here.
    if (this.#socket.writableLength > MAX_UNSENT) return;
    const prefix = Buffer.allocUnsafe(OFFSET_BYTES);
    prefix.writeUInt32LE(start % 2 ** 32, 0);
    prefix.writeUInt32LE(Math.floor(start / 2 ** 32), 4);
    this.#socket.write(Buffer.concat([prefix, frame]));
  }

  /** Ends the connection once every frame has left, or after `timeoutMs`. */
  async close(timeoutMs = 3000): Promise<void> {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    const socket = this.#socket;
    if (socket === null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        socket.destroy();
        resolve();
      }, timeoutMs);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.end();
    });
  }
}
