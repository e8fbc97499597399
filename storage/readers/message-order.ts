// Turning read chunks into batches in time order: decoding packed columns, sorting a chunk by
// ts, and holding back the rows a later chunk may still precede.
//
// There is no index on ts (the writer keeps inserts cheap), and rows in id order are only
// nearly sorted by time: several jobs' lines interleave. So replay reads chunks in id order and
// knows, from a first pass, the smallest ts of all chunks still to come; every row not later
// than that can be emitted, the rest wait. That is exact, and linear for realistic data.
import type { StreamName } from '../../vocabulary/codes.js';
import { EMPTY_BATCH, type MessageBatch, type PackedChunk } from './message-types.js';
import { sortedOrder } from './packed-columns.js';

// C0 controls except TAB and the newline (the separator of packed texts), DEL, and C1.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Builds a batch row by row (the paths that do not come packed). */
export class BatchBuilder {
  readonly #ts: number[] = [];
  readonly #key: number[] = [];
  readonly #stream: StreamName[] | null;
  readonly #text: string[] = [];
  constructor(withStream: boolean) {
    this.#stream = withStream ? [] : null;
  }
  get length(): number {
    return this.#ts.length;
  }
  push(ts: number, key: number, stream: StreamName, text: string): void {
    this.#ts.push(ts);
    this.#key.push(key);
    this.#stream?.push(stream);
    this.#text.push(text);
  }
  build(): MessageBatch {
    return {
      length: this.#ts.length,
      ts: Float64Array.from(this.#ts),
      key: Int32Array.from(this.#key),
      stream: this.#stream,
      text: this.#text,
      controlFree: false,
    };
  }
}

/** A read chunk as a batch in time order, `grep` applied. */
export function decodeChunk(chunk: PackedChunk, grep: RegExp | undefined, withStream: boolean): MessageBatch {
  if (chunk.kind === 'rows') {
    const builder = new BatchBuilder(withStream);
    for (const row of chunk.rows) if (grep === undefined || grep.test(row[4])) builder.push(row[1], row[2], row[3], row[4]);
    return builder.length === 0 ? EMPTY_BATCH : sortBatch(builder.build());
  }
  // One scan of the packed texts rather than one per line; its newlines are the separators.
  const controlFree = !CONTROL.test(chunk.texts);
  const texts = chunk.texts.split('\n');
  const streams = withStream && chunk.streams !== null ? (chunk.streams.split(',') as StreamName[]) : null;
  const read: MessageBatch = { length: chunk.count, ts: chunk.ts, key: chunk.key, stream: streams, text: texts, controlFree };
  const sorted = chunk.order === null ? read : permute(read, chunk.order);
  if (grep === undefined) return sorted;
  const builder = new BatchBuilder(withStream);
  for (let i = 0; i < sorted.length; i++) {
    const text = sorted.text[i] as string;
    if (grep.test(text)) builder.push(sorted.ts[i] as number, sorted.key[i] as number, sorted.stream?.[i] ?? 'stdout', text);
  }
  return { ...builder.build(), controlFree };
}

/**
 * Two batches in time order as one: `a` holds rows read before `b` (smaller ids), so on equal
 * ts `a` goes first. Linear; usually `a` is small or entirely earlier.
 */
const merge = (a: MessageBatch, b: MessageBatch): MessageBatch => {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const n = a.length + b.length;
  const ts = new Float64Array(n);
  const key = new Int32Array(n);
  const text = new Array<string>(n);
  const stream = a.stream === null || b.stream === null ? null : new Array<StreamName>(n);
  let i = 0;
  let j = 0;
  for (let k = 0; k < n; k++) {
    const fromA = j >= b.length || (i < a.length && (a.ts[i] as number) <= (b.ts[j] as number));
    const src = fromA ? a : b;
    const at = fromA ? i++ : j++;
    ts[k] = src.ts[at] as number;
    key[k] = src.key[at] as number;
    text[k] = src.text[at] as string;
    if (stream !== null) stream[k] = (src.stream as readonly StreamName[])[at] as StreamName;
  }
  return { length: n, ts, key, stream, text, controlFree: a.controlFree && b.controlFree };
};

const permute = (b: MessageBatch, order: Uint32Array): MessageBatch => {
  const n = b.length;
  const ts = new Float64Array(n);
  const key = new Int32Array(n);
  const text = new Array<string>(n);
  const stream = b.stream === null ? null : new Array<StreamName>(n);
  for (let i = 0; i < n; i++) {
    const from = order[i] as number;
    ts[i] = b.ts[from] as number;
    key[i] = b.key[from] as number;
    text[i] = b.text[from] as string;
    if (stream !== null) stream[i] = (b.stream as StreamName[])[from] as StreamName;
  }
  return { length: n, ts, key, stream, text, controlFree: b.controlFree };
};

const sortBatch = (b: MessageBatch): MessageBatch => {
  const order = sortedOrder(b.ts);
  return order === null ? b : permute(b, order);
};

const slice = (b: MessageBatch, from: number, to: number): MessageBatch => ({
  length: to - from,
  ts: b.ts.slice(from, to),
  key: b.key.slice(from, to),
  stream: b.stream === null ? null : b.stream.slice(from, to),
  text: b.text.slice(from, to),
  controlFree: b.controlFree,
});

/** Splits a sorted batch into the rows with ts ≤ limit and the rest. */
const splitAt = (b: MessageBatch, limit: number): [MessageBatch, MessageBatch] => {
  if (b.length === 0 || (b.ts[b.length - 1] as number) <= limit) return [b, EMPTY_BATCH];
  let lo = 0;
  let hi = b.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((b.ts[mid] as number) <= limit) lo = mid + 1;
    else hi = mid;
  }
  return [lo === 0 ? EMPTY_BATCH : slice(b, 0, lo), slice(b, lo, b.length)];
};

/** Holds back what a later chunk may precede. */
export class Reorderer {
  #held: MessageBatch = EMPTY_BATCH;
  #last = -Infinity;
  constructor(readonly maxHeld: number) {}

  /**
   * Adds a chunk in time order; returns the rows with ts ≤ limit (the smallest ts any later
   * chunk has), in order.
   */
  push(chunk: MessageBatch, limit: number): MessageBatch {
    const [ready, rest] = splitAt(merge(this.#held, chunk), limit);
    this.#held = rest;
    if (ready.length > 0) this.#last = ready.ts[ready.length - 1] as number;
    return ready;
  }

  /** Too much held back: the caller should let SQLite sort the rest (see `last`). */
  get overflowing(): boolean {
    return this.#held.length > this.maxHeld;
  }

  /**
   * The ts of the last row handed out. Everything handed out has ts ≤ last, and every row read
   * with ts ≤ last has been handed out (it was within a limit), so the rest is: ts > last, or
   * ts = last among rows not read yet.
   */
  get last(): number {
    return this.#last;
  }

  /** What is held at the end, when no chunk is left to precede it. */
  drain(): MessageBatch {
    const rest = this.#held;
    this.#held = EMPTY_BATCH;
    return rest;
  }
}
