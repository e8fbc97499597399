// Reading messages fast, in time order (ts, then id), for `gator replay` and its followers.
//
// Two facts shape this file. better-sqlite3 costs about half a microsecond per row it hands to
// JavaScript, more than SQLite needs to read the row, so bulk reads fetch a chunk of rows as a
// few `group_concat` strings (one per column) and split them, falling back to row by row only
// for a chunk whose texts contain a newline. And there is no index on `ts` (the writer keeps
// inserts cheap) while rows in id order are only nearly sorted by time (several jobs' lines
// interleave), so a full ORDER BY ts would make SQLite sort everything. Instead one cheap pass
// takes each chunk's smallest ts; reading chunks in id order, every row not later than the
// smallest ts of all chunks still to come can be emitted, and the rest wait in a small buffer.
// The result is exact; when the data is so disordered that the buffer grows large, the rest
// comes from SQLite's ORDER BY after all.
import type Database from 'better-sqlite3';
import { SEVERITY_NAMES, Severity, type SeverityName, type StreamName } from '../schema.js';

export interface MessageFilter {
  /** Only these nodes' messages; undefined for every node. */
  readonly jobIds?: readonly number[] | undefined;
  /** This severity and above. */
  readonly minSeverity?: SeverityName | undefined;
  readonly streams?: readonly StreamName[] | undefined;
  /** Unix seconds, inclusive. */
  readonly since?: number | undefined;
  readonly until?: number | undefined;
  /** Applied to the text after reading (SQLite has no REGEXP of its own). */
  readonly grep?: RegExp | undefined;
}

/**
 * Messages as parallel arrays, one entry per message, which keeps millions of them cheap. The
 * job and severity travel together as one `key` = job id × 8 + severity index (see `jobOfKey`,
 * `severityOfKey`), which is also what a line's prefix depends on.
 */
export interface MessageBatch {
  readonly length: number;
  readonly ts: Float64Array;
  readonly key: Int32Array;
  /** Only when asked for (`withStream`); null otherwise. */
  readonly stream: readonly StreamName[] | null;
  readonly text: readonly string[];
}

export const jobOfKey = (key: number): number => key >> 3;
export const severityOfKey = (key: number): SeverityName => SEVERITY_NAMES[key & 7] as SeverityName;
export const messageKey = (jobId: number, severity: SeverityName): number => jobId * 8 + SEVERITY_NAMES.indexOf(severity);

type Param = number | string;

/** Ids per chunk: big enough that per-query costs vanish, small enough to keep memory flat. */
const CHUNK_IDS = 65_536;
// The reorder buffer may hold 4 chunks' rows before the rest is left to SQLite's sort.
/** Rows per batch on the row-by-row paths. */
const ROW_BATCH = 16_384;

const KEY_SQL = `job_id * 8 + CASE severity ${SEVERITY_NAMES.map((name, i) => `WHEN '${name}' THEN ${i}`).join(' ')} ELSE 1 END`;

const whereOf = (filter: MessageFilter): { sql: string; params: Param[] } => {
  const clauses: string[] = [];
  const params: Param[] = [];
  if (filter.jobIds !== undefined) {
    clauses.push('job_id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.jobIds));
  }
  if (filter.minSeverity !== undefined) {
    const min = Severity[filter.minSeverity];
    // The names are our own constants, so they can be written into the statement.
    clauses.push(`severity IN (${SEVERITY_NAMES.filter((name) => Severity[name] >= min).map((name) => `'${name}'`).join(', ')})`);
  }
  if (filter.streams !== undefined) {
    clauses.push(`stream IN (${filter.streams.map(() => '?').join(', ')})`);
    params.push(...filter.streams);
  }
  if (filter.since !== undefined) {
    clauses.push('ts >= ?');
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    clauses.push('ts <= ?');
    params.push(filter.until);
  }
  return { sql: clauses.map((clause) => ` AND ${clause}`).join(''), params };
};

const selectsNothing = (filter: MessageFilter): boolean =>
  (filter.jobIds !== undefined && filter.jobIds.length === 0) || (filter.streams !== undefined && filter.streams.length === 0);

/** The largest message id now in the run (0 when there is none). */
export function lastMessageId(db: Database.Database): number {
  return (db.prepare('SELECT id FROM messages ORDER BY id DESC LIMIT 1').pluck().get() as number | undefined) ?? 0;
}

const firstMessageId = (db: Database.Database): number =>
  (db.prepare('SELECT id FROM messages ORDER BY id LIMIT 1').pluck().get() as number | undefined) ?? 0;

// ---------------------------------------------------------------------------------------------
// Building batches.

class BatchBuilder {
  ts: number[] = [];
  key: number[] = [];
  stream: StreamName[] | null;
  text: string[] = [];
  constructor(withStream: boolean) {
    this.stream = withStream ? [] : null;
  }
  get length(): number {
    return this.ts.length;
  }
  push(ts: number, key: number, stream: StreamName, text: string): void {
    this.ts.push(ts);
    this.key.push(key);
    this.stream?.push(stream);
    this.text.push(text);
  }
  build(): MessageBatch {
    return { length: this.ts.length, ts: Float64Array.from(this.ts), key: Int32Array.from(this.key), stream: this.stream, text: this.text };
  }
}

type RawRow = [id: number, ts: number, key: number, stream: StreamName, text: string];
const ROW_COLUMNS = `id, ts, ${KEY_SQL}, stream, text`;

/** Reads one id range as a batch in id order. */
class ChunkReader {
  readonly #packed: Database.Statement;
  readonly #rows: Database.Statement;
  readonly #params: Param[];
  readonly #grep: RegExp | undefined;
  readonly #withStream: boolean;

  constructor(db: Database.Database, filter: MessageFilter, withStream: boolean) {
    const where = whereOf(filter);
    this.#params = where.params;
    this.#grep = filter.grep;
    this.#withStream = withStream;
    // The subquery's ORDER BY id fixes the order the aggregates see (a rowid scan gives it free).
    this.#packed = db
      .prepare(
        `SELECT count(*), group_concat(ts), group_concat(k), group_concat(text, char(10))${withStream ? ', group_concat(stream)' : ''}
         FROM (SELECT ts, ${KEY_SQL} AS k, text, stream FROM messages WHERE id >= ? AND id < ?${where.sql} ORDER BY id)`,
      )
      .raw();
    this.#rows = db.prepare(`SELECT ${ROW_COLUMNS} FROM messages WHERE id >= ? AND id < ?${where.sql} ORDER BY id`).raw();
  }

  read(from: number, to: number): MessageBatch {
    const packed = this.#packed.get(from, to, ...this.#params) as [number, string | null, string | null, string | null, string | null | undefined];
    const count = packed[0];
    if (count === 0) return EMPTY;
    const texts = (packed[3] as string).split('\n');
    // A text with a newline in it would split in two; read such a chunk row by row instead.
    if (texts.length !== count) {
      const builder = new BatchBuilder(this.#withStream);
      for (const row of this.#rows.iterate(from, to, ...this.#params) as IterableIterator<RawRow>) {
        if (this.#grep === undefined || this.#grep.test(row[4])) builder.push(row[1], row[2], row[3], row[4]);
      }
      return builder.build();
    }
    const times = (packed[1] as string).split(',');
    const keys = (packed[2] as string).split(',');
    const streams = this.#withStream ? ((packed[4] as string).split(',') as StreamName[]) : null;
    const grep = this.#grep;
    if (grep === undefined) {
      const ts = new Float64Array(count);
      const key = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        ts[i] = Number(times[i]);
        key[i] = Number(keys[i]);
      }
      return { length: count, ts, key, stream: streams, text: texts };
    }
    const builder = new BatchBuilder(this.#withStream);
    for (let i = 0; i < count; i++) {
      const text = texts[i] as string;
      if (grep.test(text)) builder.push(Number(times[i]), Number(keys[i]), streams?.[i] ?? 'stdout', text);
    }
    return builder.build();
  }
}

const EMPTY: MessageBatch = { length: 0, ts: new Float64Array(0), key: new Int32Array(0), stream: null, text: [] };

// ---------------------------------------------------------------------------------------------
// Ordering. Positions in (buffer ++ chunk) follow id order, so a stable sort by ts alone gives
// (ts, id) order.

const concat = (a: MessageBatch, b: MessageBatch): MessageBatch => {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const ts = new Float64Array(a.length + b.length);
  ts.set(a.ts);
  ts.set(b.ts, a.length);
  const key = new Int32Array(a.length + b.length);
  key.set(a.key);
  key.set(b.key, a.length);
  return {
    length: a.length + b.length,
    ts,
    key,
    stream: a.stream === null || b.stream === null ? null : a.stream.concat(b.stream),
    text: a.text.concat(b.text),
  };
};

/** Stable order of positions by ts: insertion sort while the data is nearly sorted, else TimSort. */
const sortedOrder = (ts: Float64Array): Int32Array | null => {
  const n = ts.length;
  let sorted = true;
  for (let i = 1; i < n; i++) {
    if ((ts[i] as number) < (ts[i - 1] as number)) {
      sorted = false;
      break;
    }
  }
  if (sorted) return null;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let budget = 16 * n;
  for (let i = 1; i < n && budget > 0; i++) {
    const item = order[i] as number;
    const t = ts[item] as number;
    let j = i - 1;
    while (j >= 0 && (ts[order[j] as number] as number) > t) {
      order[j + 1] = order[j] as number;
      j--;
      budget--;
    }
    order[j + 1] = item;
  }
  if (budget > 0) return order;
  const fallback = Array.from({ length: n }, (_, i) => i).sort((a, b) => (ts[a] as number) - (ts[b] as number) || a - b);
  return Int32Array.from(fallback);
};

const permute = (b: MessageBatch, order: Int32Array): MessageBatch => {
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
  return { length: n, ts, key, stream, text };
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
});

/** Splits a sorted batch into the rows with ts ≤ limit and the rest. */
const splitAt = (b: MessageBatch, limit: number): [MessageBatch, MessageBatch] => {
  if (b.length === 0 || (b.ts[b.length - 1] as number) <= limit) return [b, EMPTY];
  let lo = 0;
  let hi = b.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((b.ts[mid] as number) <= limit) lo = mid + 1;
    else hi = mid;
  }
  return [lo === 0 ? EMPTY : slice(b, 0, lo), slice(b, lo, b.length)];
};

export interface ReplayOptions {
  /** Read only messages with id ≤ this (a snapshot for `--follow`); default: the last one now. */
  readonly upToId?: number;
  /** Fill `stream` in the batches. */
  readonly withStream?: boolean;
  /** Ids per chunk (tests make it small to exercise chunking on small runs). */
  readonly chunkIds?: number;
}

/**
 * Yields the messages that pass the filter in time order (ts, then id), in batches; each batch
 * is in order and follows the previous one.
 */
export function* replayBatches(db: Database.Database, filter: MessageFilter, options: ReplayOptions = {}): Generator<MessageBatch> {
  if (selectsNothing(filter)) return;
  const upTo = options.upToId ?? lastMessageId(db);
  const first = firstMessageId(db);
  if (upTo === 0 || first > upTo) return;
  const where = whereOf(filter);
  const withStream = options.withStream ?? false;
  const chunkIds = options.chunkIds ?? CHUNK_IDS;
  const maxBuffered = 4 * chunkIds;

  // Pass 1: each chunk's smallest ts, then the smallest over every chunk from k on.
  const starts: number[] = [];
  for (let from = first; from <= upTo; from += chunkIds) starts.push(from);
  const end = (k: number): number => Math.min((starts[k] as number) + chunkIds, upTo + 1);
  const minOf = db.prepare(`SELECT min(ts) FROM messages WHERE id >= ? AND id < ?${where.sql}`).pluck();
  const suffixMin = new Float64Array(starts.length + 1).fill(Infinity);
  for (let k = starts.length - 1; k >= 0; k--) {
    const min = minOf.get(starts[k], end(k), ...where.params) as number | null;
    suffixMin[k] = Math.min(min ?? Infinity, suffixMin[k + 1] as number);
  }

  // Pass 2: chunks in id order; emit what no later chunk can precede.
  const reader = new ChunkReader(db, filter, withStream);
  let buffer = EMPTY;
  let last = -Infinity;
  for (let k = 0; k < starts.length; k++) {
    const [ready, rest] = splitAt(sortBatch(concat(buffer, reader.read(starts[k] as number, end(k)))), suffixMin[k + 1] as number);
    buffer = rest;
    if (ready.length > 0) {
      last = ready.ts[ready.length - 1] as number;
      yield ready;
    }
    if (buffer.length > maxBuffered) {
      // Too disordered to buffer: the rest comes from SQLite's sort. Everything emitted so far
      // has ts ≤ last and every row with ts < last has been emitted (it was ≤ a limit).
      yield* sortedFrom(db, filter, last, upTo, withStream, starts[k + 1] ?? upTo + 1);
      return;
    }
  }
  if (buffer.length > 0) yield buffer;
}

/**
 * The rest in time order, sorted by SQLite: rows with ts > `last`, and rows with ts = `last`
 * that were not read yet (id ≥ `unreadFrom`) — those with ts = last already read were emitted,
 * since `last` was within the emit limit.
 */
function* sortedFrom(db: Database.Database, filter: MessageFilter, last: number, upTo: number, withStream: boolean, unreadFrom: number): Generator<MessageBatch> {
  const where = whereOf(filter);
  const statement = db
    .prepare(`SELECT ${ROW_COLUMNS} FROM messages WHERE id <= ? AND (ts > ? OR (ts = ? AND id >= ?))${where.sql} ORDER BY ts, id`)
    .raw();
  const after = Number.isFinite(last) ? last : -Number.MAX_VALUE;
  let builder = new BatchBuilder(withStream);
  for (const row of statement.iterate(upTo, after, after, unreadFrom, ...where.params) as IterableIterator<RawRow>) {
    if (filter.grep !== undefined && !filter.grep.test(row[4])) continue;
    builder.push(row[1], row[2], row[3], row[4]);
    if (builder.length >= ROW_BATCH) {
      yield builder.build();
      builder = new BatchBuilder(withStream);
    }
  }
  if (builder.length > 0) yield builder.build();
}

/**
 * Messages with id > afterId in id (arrival) order, at most `limit` rows read: what a follower
 * prints next, the id to continue after, and whether more may be waiting already.
 */
export function messagesAfter(
  db: Database.Database,
  afterId: number,
  filter: MessageFilter,
  options: { readonly limit?: number; readonly withStream?: boolean } = {},
): { batch: MessageBatch; lastId: number; more: boolean } {
  if (selectsNothing(filter)) return { batch: EMPTY, lastId: Math.max(afterId, lastMessageId(db)), more: false };
  const limit = options.limit ?? ROW_BATCH;
  const where = whereOf(filter);
  const rows = db.prepare(`SELECT ${ROW_COLUMNS} FROM messages WHERE id > ?${where.sql} ORDER BY id LIMIT ?`).raw().all(afterId, ...where.params, limit) as RawRow[];
  const builder = new BatchBuilder(options.withStream ?? false);
  let lastId = afterId;
  for (const row of rows) {
    lastId = row[0];
    if (filter.grep === undefined || filter.grep.test(row[4])) builder.push(row[1], row[2], row[3], row[4]);
  }
  return { batch: builder.build(), lastId, more: rows.length === limit };
}
