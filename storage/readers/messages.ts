// Reading messages fast, in time order (ts, then id), for `gator replay` and its followers.
//
// Two facts shape this file. better-sqlite3 costs about half a microsecond per row it hands to
// JavaScript, more than SQLite needs to read the row, so bulk reads fetch a chunk of rows as a
// handful of `group_concat` strings (one per column) and split them, falling back to row by
// row only for a chunk whose texts contain a newline. And there is no index on `ts` (the writer
// keeps insertion cheap), while rows arrive in id order only nearly sorted by time (several
// jobs' lines interleave), so a full ORDER BY ts would make SQLite sort everything. Instead,
// one cheap pass takes each chunk's smallest ts; reading chunks in id order, every row not
// later than the smallest ts of all the chunks still to come can be emitted, and the rest wait
// in a small buffer. The result is exact; when the data is so disordered that the buffer grows
// large, the remainder comes from SQLite's ORDER BY after all.
import type Database from 'better-sqlite3';
import { SEVERITY_NAMES, Severity, type SeverityName, type StreamName } from '../schema.js';

export interface MessageFilter {
  /** Only these jobs' messages; undefined for every job. */
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

/** Messages as parallel arrays, one entry per message: cheap to build for millions of lines. */
export interface MessageBatch {
  readonly length: number;
  readonly id: readonly number[];
  readonly ts: readonly number[];
  readonly severity: readonly SeverityName[];
  readonly stream: readonly StreamName[];
  readonly jobId: readonly number[];
  readonly text: readonly string[];
}

interface MutableBatch {
  length: number;
  id: number[];
  ts: number[];
  severity: SeverityName[];
  stream: StreamName[];
  jobId: number[];
  text: string[];
}

type Param = number | string;
type RawRow = [number, number, SeverityName, StreamName, number, string];

const emptyBatch = (): MutableBatch => ({ length: 0, id: [], ts: [], severity: [], stream: [], jobId: [], text: [] });

/** Ids per chunk: big enough that per-query costs vanish, small enough to keep memory flat. */
const CHUNK_IDS = 65_536;
/** Rows the reorder buffer may hold before the rest is left to SQLite's sort. */
const MAX_BUFFERED = 4 * CHUNK_IDS;
/** Rows per batch on the row-by-row paths. */
const ROW_BATCH = 16_384;

const COLUMNS = 'id, ts, severity, stream, job_id, text';

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

const push = (batch: MutableBatch, row: RawRow, grep: RegExp | undefined): void => {
  if (grep !== undefined && !grep.test(row[5])) return;
  batch.id.push(row[0]);
  batch.ts.push(row[1]);
  batch.severity.push(row[2]);
  batch.stream.push(row[3]);
  batch.jobId.push(row[4]);
  batch.text.push(row[5]);
  batch.length++;
};

/** Reads one id range as a batch (in whatever order SQLite scanned it). */
class ChunkReader {
  readonly #packed: Database.Statement;
  readonly #rows: Database.Statement;
  readonly #params: Param[];
  readonly #grep: RegExp | undefined;

  constructor(db: Database.Database, filter: MessageFilter) {
    const where = whereOf(filter);
    this.#params = where.params;
    this.#grep = filter.grep;
    this.#packed = db
      .prepare(
        `SELECT count(*), group_concat(id), group_concat(ts), group_concat(severity), group_concat(stream), group_concat(job_id),
                group_concat(text, char(10))
         FROM messages WHERE id >= ? AND id < ?${where.sql}`,
      )
      .raw();
    this.#rows = db.prepare(`SELECT ${COLUMNS} FROM messages WHERE id >= ? AND id < ?${where.sql}`).raw();
  }

  read(from: number, to: number): MutableBatch {
    const packed = this.#packed.get(from, to, ...this.#params) as [number, string | null, string | null, string | null, string | null, string | null, string | null];
    const count = packed[0];
    const batch = emptyBatch();
    if (count === 0) return batch;
    const texts = (packed[6] as string).split('\n');
    // A text with a newline in it would split into two; read such a chunk row by row instead.
    if (texts.length !== count) {
      for (const row of this.#rows.iterate(from, to, ...this.#params) as IterableIterator<RawRow>) push(batch, row, this.#grep);
      return batch;
    }
    const ids = (packed[1] as string).split(',');
    const times = (packed[2] as string).split(',');
    const severities = (packed[3] as string).split(',') as SeverityName[];
    const streams = (packed[4] as string).split(',') as StreamName[];
    const jobs = (packed[5] as string).split(',');
    const grep = this.#grep;
    for (let i = 0; i < count; i++) {
      const text = texts[i] as string;
      if (grep !== undefined && !grep.test(text)) continue;
      batch.id.push(Number(ids[i]));
      batch.ts.push(Number(times[i]));
      batch.severity.push(severities[i] as SeverityName);
      batch.stream.push(streams[i] as StreamName);
      batch.jobId.push(Number(jobs[i]));
      batch.text.push(text);
      batch.length++;
    }
    return batch;
  }
}

const before = (b: MutableBatch, i: number, j: number): boolean => {
  const ti = b.ts[i] as number;
  const tj = b.ts[j] as number;
  return ti < tj || (ti === tj && (b.id[i] as number) < (b.id[j] as number));
};

const isSorted = (b: MutableBatch): boolean => {
  for (let i = 1; i < b.length; i++) if (before(b, i, i - 1)) return false;
  return true;
};

const append = (to: MutableBatch, from: MutableBatch, i: number): void => {
  to.id.push(from.id[i] as number);
  to.ts.push(from.ts[i] as number);
  to.severity.push(from.severity[i] as SeverityName);
  to.stream.push(from.stream[i] as StreamName);
  to.jobId.push(from.jobId[i] as number);
  to.text.push(from.text[i] as string);
  to.length++;
};

const concat = (a: MutableBatch, b: MutableBatch): MutableBatch => {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return {
    length: a.length + b.length,
    id: a.id.concat(b.id),
    ts: a.ts.concat(b.ts),
    severity: a.severity.concat(b.severity),
    stream: a.stream.concat(b.stream),
    jobId: a.jobId.concat(b.jobId),
    text: a.text.concat(b.text),
  };
};

/** Sorts by (ts, id); a nearly sorted batch costs one linear check. */
const sortBatch = (b: MutableBatch): MutableBatch => {
  if (isSorted(b)) return b;
  const order = Array.from({ length: b.length }, (_, i) => i).sort((i, j) => (before(b, i, j) ? -1 : before(b, j, i) ? 1 : 0));
  const sorted = emptyBatch();
  for (const i of order) append(sorted, b, i);
  return sorted;
};

/** Splits a sorted batch into the rows with ts ≤ limit and the rest. */
const splitAt = (b: MutableBatch, limit: number): [MutableBatch, MutableBatch] => {
  let n = 0;
  while (n < b.length && (b.ts[n] as number) <= limit) n++;
  if (n === b.length) return [b, emptyBatch()];
  const slice = (from: number, to: number): MutableBatch => ({
    length: to - from,
    id: b.id.slice(from, to),
    ts: b.ts.slice(from, to),
    severity: b.severity.slice(from, to),
    stream: b.stream.slice(from, to),
    jobId: b.jobId.slice(from, to),
    text: b.text.slice(from, to),
  });
  return [slice(0, n), slice(n, b.length)];
};

export interface ReplayOptions {
  /** Read only messages with id ≤ this (a snapshot for `--follow`); default: the last one now. */
  readonly upToId?: number;
}

/**
 * Yields the messages that pass the filter in time order (ts, then id), in batches. Each batch
 * is in order and follows the previous one.
 */
export function* replayBatches(db: Database.Database, filter: MessageFilter, options: ReplayOptions = {}): Generator<MessageBatch> {
  if (selectsNothing(filter)) return;
  const upTo = options.upToId ?? lastMessageId(db);
  const first = firstMessageId(db);
  if (upTo === 0 || first > upTo) return;
  const where = whereOf(filter);

  // Pass 1: each chunk's smallest ts, then the smallest of every chunk from k on.
  const starts: number[] = [];
  for (let from = first; from <= upTo; from += CHUNK_IDS) starts.push(from);
  const minOf = db.prepare(`SELECT min(ts) FROM messages WHERE id >= ? AND id < ?${where.sql}`).pluck();
  const suffixMin = new Array<number>(starts.length + 1).fill(Infinity);
  for (let k = starts.length - 1; k >= 0; k--) {
    const from = starts[k] as number;
    const min = minOf.get(from, Math.min(from + CHUNK_IDS, upTo + 1), ...where.params) as number | null;
    suffixMin[k] = Math.min(min ?? Infinity, suffixMin[k + 1] as number);
  }

  // Pass 2: read chunks in id order, emit what no later chunk can precede.
  const reader = new ChunkReader(db, filter);
  let buffer = emptyBatch();
  let lastTs = -Infinity;
  let lastId = -Infinity;
  for (let k = 0; k < starts.length; k++) {
    const from = starts[k] as number;
    const fresh = reader.read(from, Math.min(from + CHUNK_IDS, upTo + 1));
    const [ready, rest] = splitAt(sortBatch(concat(buffer, fresh)), suffixMin[k + 1] as number);
    buffer = rest;
    if (ready.length > 0) {
      lastTs = ready.ts[ready.length - 1] as number;
      lastId = ready.id[ready.length - 1] as number;
      yield ready;
    }
    if (buffer.length > MAX_BUFFERED) {
      // Too disordered to buffer: everything after the last emitted row comes from SQLite's sort.
      yield* sortedAfter(db, filter, lastTs, lastId, upTo);
      return;
    }
  }
  if (buffer.length > 0) yield buffer;
}

/** The rows after (ts, id) = (lastTs, lastId) in time order, sorted by SQLite. */
function* sortedAfter(db: Database.Database, filter: MessageFilter, lastTs: number, lastId: number, upTo: number): Generator<MessageBatch> {
  const where = whereOf(filter);
  const statement = db
    .prepare(`SELECT ${COLUMNS} FROM messages WHERE id <= ? AND (ts > ? OR (ts = ? AND id > ?))${where.sql} ORDER BY ts, id`)
    .raw();
  const after = Number.isFinite(lastTs) ? lastTs : -1e300;
  const afterId = Number.isFinite(lastId) ? lastId : -1;
  let batch = emptyBatch();
  for (const row of statement.iterate(upTo, after, after, afterId, ...where.params) as IterableIterator<RawRow>) {
    push(batch, row, filter.grep);
    if (batch.length >= ROW_BATCH) {
      yield batch;
      batch = emptyBatch();
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Messages with id > afterId in id (arrival) order, at most `limit` of them: what a follower
 * prints next. Rows filtered out still advance the returned `lastId`.
 */
export function messagesAfter(db: Database.Database, afterId: number, filter: MessageFilter, limit = ROW_BATCH): { batch: MessageBatch; lastId: number } {
  const batch = emptyBatch();
  if (selectsNothing(filter)) return { batch, lastId: Math.max(afterId, lastMessageId(db)) };
  const where = whereOf(filter);
  const rows = db.prepare(`SELECT ${COLUMNS} FROM messages WHERE id > ?${where.sql} ORDER BY id LIMIT ?`).raw().all(afterId, ...where.params, limit) as RawRow[];
  let lastId = afterId;
  for (const row of rows) {
    push(batch, row, filter.grep);
    lastId = row[0];
  }
  return { batch, lastId };
}

/** When the run's last message was written (null without messages): the end of a cut-off run's log. */
export function lastMessageTime(db: Database.Database): number | null {
  const id = lastMessageId(db);
  if (id === 0) return null;
  return db.prepare('SELECT ts FROM messages WHERE id = ?').pluck().get(id) as number;
}
