// Spool files: every frame a leaf produces is appended to `<run>/cluster/spool/<node>.frames`
// on the shared filesystem, which is the source of truth; TCP only delivers the same bytes
// sooner. The head reads a spool by re-opening it from the offset it has ingested (on NFS a
// reader sees another client's appends only after a re-open: close-to-open consistency).
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readFrames, type LeafFrame } from './frames.js';

export const spoolPath = (spoolDir: string, nodeId: number): string => join(spoolDir, `${nodeId}.frames`);

/** Flush to disk at least this often while a job writes, and always at the end. */
const SYNC_MS = 1000;
const SYNC_BYTES = 64 * 1024;

export class SpoolWriter {
  #fd: number;
  #offset: number;
  #unsynced = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.#fd = openSync(path, 'a', 0o600);
    this.#offset = fstatSync(this.#fd).size;
  }

  /** Appends one encoded frame; returns the offset at which it starts. */
  append(frame: Buffer): number {
    const at = this.#offset;
    let done = 0;
    while (done < frame.length) done += writeSync(this.#fd, frame, done, frame.length - done);
    this.#offset += frame.length;
    this.#unsynced += frame.length;
    if (this.#unsynced >= SYNC_BYTES) this.sync();
    else this.#timer ??= setTimeout(() => this.sync(), SYNC_MS).unref();
    return at;
  }

  sync(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#unsynced === 0) return;
    this.#unsynced = 0;
    try {
      fsyncSync(this.#fd);
    } catch {
      // A filesystem without fsync (some FUSE mounts) still has the bytes written.
    }
  }

  close(): void {
    this.sync();
    closeSync(this.#fd);
  }
}

const READ_CHUNK = 4 * 1024 * 1024;

/**
 * Reads the whole frames of a spool from `offset`: each with the offset just past it, and the
 * offset where the next read starts. A missing file has no frames yet.
 */
export const readSpool = (path: string, offset: number): { frames: { frame: LeafFrame; end: number }[]; next: number } => {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return { frames: [], next: offset };
  }
  const frames: { frame: LeafFrame; end: number }[] = [];
  let next = offset;
  try {
    const size = fstatSync(fd).size;
    let carry: Buffer = Buffer.alloc(0);
    let position = offset;
    while (position < size) {
      const chunk = Buffer.allocUnsafe(Math.min(READ_CHUNK, size - position));
      const got = readSync(fd, chunk, 0, chunk.length, position);
      if (got <= 0) break;
      position += got;
      const buffer = carry.length === 0 ? chunk.subarray(0, got) : Buffer.concat([carry, chunk.subarray(0, got)]);
      const base = position - buffer.length;
      const read = readFrames(buffer);
      for (const { frame, end } of read.frames) frames.push({ frame, end: base + end });
      next = base + read.rest;
      // Payloads are views: copy what is kept so the next chunk does not pin this one.
      carry = Buffer.from(buffer.subarray(read.rest));
    }
  } finally {
    closeSync(fd);
  }
  return { frames, next };
};
