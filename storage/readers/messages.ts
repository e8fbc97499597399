// Reading messages fast, in time order (ts, then id), for `gator replay` and its followers.
//
// A replay reads the run in two passes: each chunk's smallest ts first (message-sql), then the
// chunks in id order, packed into a few strings per chunk, decoded and put in time order with
// what a later chunk may still precede held back (message-order). The result is exact; when
// the data is so disordered that too much would be held back, the rest comes from SQLite's
// ORDER BY. `replayBatchesAsync` runs the SQL on a worker thread when it can.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { ReaderError } from './errors.js';
import { BatchBuilder, decodeChunk, Reorderer } from './message-order.js';
import { ChunkSource, chunkRanges, lastMessageId, planChunks, rowsAfter, selectsNothing, sortedRowsFrom } from './message-sql.js';
import { EMPTY_BATCH, type ChunkPlan, type MessageBatch, type MessageFilter, type SqlFilter } from './message-types.js';
import type { FromReplayWorker, ReplayWorkerData, ToReplayWorker } from './replay-worker.js';

export { lastMessageId } from './message-sql.js';
export { jobOfKey, messageKey, severityOfKey, type MessageBatch, type MessageFilter } from './message-types.js';

/** Ids per chunk: big enough that per-query costs vanish, small enough to keep memory flat. */
const CHUNK_IDS = 65_536;
/** Rows per batch on the row-by-row paths. */
const ROW_BATCH = 16_384;
/** Chunks the worker reads ahead of the main thread (it starts while the main thread plans). */
const WINDOW = 6;

export interface ReplayOptions {
  /** Read only messages with id ≤ this (a snapshot for `--follow`); default: the last one now. */
  readonly upToId?: number;
  /** Fill `stream` in the batches. */
  readonly withStream?: boolean;
  /** Ids per chunk (tests make it small to exercise chunking on small runs). */
  readonly chunkIds?: number;
}

const sqlPart = (filter: MessageFilter): SqlFilter => {
  const { grep: _grep, ...sql } = filter;
  return sql;
};

/** The rows after the point a Reorderer reached, sorted by SQLite, in batches. */
function* sortedRest(
  db: Database.Database,
  filter: MessageFilter,
  last: number,
  upTo: number,
  unreadFrom: number,
  withStream: boolean,
): Generator<MessageBatch> {
  let builder = new BatchBuilder(withStream);
  for (const row of sortedRowsFrom(db, sqlPart(filter), last, upTo, unreadFrom)) {
    if (filter.grep !== undefined && !filter.grep.test(row[4])) continue;
    builder.push(row[1], row[2], row[3], row[4]);
    if (builder.length >= ROW_BATCH) {
      yield builder.build();
      builder = new BatchBuilder(withStream);
    }
  }
  if (builder.length > 0) yield builder.build();
}

/** Pass 2, whichever thread reads the chunks: order them and emit what is safe. */
class Emitter {
  readonly #order: Reorderer;
  #done = false;

  constructor(
    readonly db: Database.Database,
    readonly filter: MessageFilter,
    readonly plan: ChunkPlan,
    readonly upTo: number,
    readonly chunkIds: number,
    readonly withStream: boolean,
  ) {
    this.#order = new Reorderer(4 * chunkIds);
  }

  /** True once the rest came from SQLite's sort: later chunks are not needed. */
  get done(): boolean {
    return this.#done;
  }

  /** Takes chunk k (decoded) and yields what can be emitted now. */
  *take(k: number, chunk: MessageBatch): Generator<MessageBatch> {
    const ready = this.#order.push(chunk, this.plan.suffixMin[k + 1] as number);
    if (ready.length > 0) yield ready;
    if (this.#order.overflowing) {
      this.#done = true;
      yield* sortedRest(this.db, this.filter, this.#order.last, this.upTo, this.plan.starts[k + 1] ?? this.upTo + 1, this.withStream);
    }
  }

  /** After the last chunk: what was held back. */
  *finish(): Generator<MessageBatch> {
    const rest = this.#order.drain();
    if (!this.#done && rest.length > 0) yield rest;
  }
}

/**
 * Yields the messages that pass the filter in time order (ts, then id), in batches; each batch
 * is in order and follows the previous one. Runs on the calling thread.
 */
export function* replayBatches(db: Database.Database, filter: MessageFilter, options: ReplayOptions = {}): Generator<MessageBatch> {
  if (selectsNothing(filter)) return;
  const upTo = options.upToId ?? lastMessageId(db);
  const chunkIds = options.chunkIds ?? CHUNK_IDS;
  const withStream = options.withStream ?? false;
  const plan = planChunks(db, sqlPart(filter), chunkRanges(db, sqlPart(filter), upTo, chunkIds));
  const source = new ChunkSource(db, sqlPart(filter), withStream);
  const emitter = new Emitter(db, filter, plan, upTo, chunkIds, withStream);
  for (let k = 0; k < plan.starts.length && !emitter.done; k++) {
    yield* emitter.take(k, decodeChunk(source.read(plan.starts[k] as number, plan.ends[k] as number), filter.grep, withStream));
  }
  yield* emitter.finish();
}

// ---------------------------------------------------------------------------------------------
// The same with SQLite on a worker thread.

const WORKER_URL = new URL('./replay-worker.js', import.meta.url);

/** Workers need the compiled file; under a TypeScript loader the work stays on this thread. */
const workerAvailable = (): boolean => import.meta.url.endsWith('.js') && existsSync(fileURLToPath(WORKER_URL));

/** The worker's messages as a queue to await, failing if the worker dies. */
class Inbox {
  readonly #queue: FromReplayWorker[] = [];
  #wake: (() => void) | null = null;
  #failure: Error | null = null;

  constructor(worker: Worker) {
    worker.on('message', (message: FromReplayWorker) => {
      this.#queue.push(message);
      this.#wake?.();
    });
    worker.on('error', (error: Error) => this.#fail(new ReaderError(`replay worker failed: ${error.message}`, { cause: error })));
    worker.on('exit', () => this.#fail(new ReaderError('replay worker stopped early')));
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#wake?.();
  }

  async next(): Promise<FromReplayWorker> {
    for (;;) {
      const message = this.#queue.shift();
      if (message !== undefined) {
        if (message.type === 'error') throw new ReaderError(message.message);
        return message;
      }
      if (this.#failure !== null) throw this.#failure;
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = null;
    }
  }
}

/**
 * `replayBatches` with the SQL on a worker thread (its own read-only connection to `dbPath`),
 * so reading and formatting overlap; the same batches in the same order. Falls back to the
 * calling thread when no worker can be started.
 */
export async function* replayBatchesAsync(
  db: Database.Database,
  dbPath: string,
  filter: MessageFilter,
  options: ReplayOptions = {},
): AsyncGenerator<MessageBatch> {
  if (selectsNothing(filter)) return;
  if (!workerAvailable()) {
    yield* replayBatches(db, filter, options);
    return;
  }
  const upTo = options.upToId ?? lastMessageId(db);
  const chunkIds = options.chunkIds ?? CHUNK_IDS;
  const withStream = options.withStream ?? false;
  const data: ReplayWorkerData = { dbPath, filter: sqlPart(filter), upTo, chunkIds, withStream, window: WINDOW };
  const worker = new Worker(WORKER_URL, { workerData: data });
  const inbox = new Inbox(worker);
  try {
    // The plan's pass over the ts column runs here while the worker reads the first chunks.
    const plan = planChunks(db, sqlPart(filter), chunkRanges(db, sqlPart(filter), upTo, chunkIds));
    const emitter = new Emitter(db, filter, plan, upTo, chunkIds, withStream);
    for (let k = 0; k < plan.starts.length && !emitter.done; k++) {
      const message = await inbox.next();
      if (message.type !== 'chunk' || message.k !== k) throw new ReaderError(`replay worker: expected chunk ${k}`);
      worker.postMessage('ack' satisfies ToReplayWorker);
      yield* emitter.take(k, decodeChunk(message.chunk, filter.grep, withStream));
    }
    yield* emitter.finish();
  } finally {
    await worker.terminate();
  }
}

// ---------------------------------------------------------------------------------------------
// Following a live run.

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
  if (selectsNothing(filter)) return { batch: EMPTY_BATCH, lastId: Math.max(afterId, lastMessageId(db)), more: false };
  const limit = options.limit ?? ROW_BATCH;
  const rows = rowsAfter(db, afterId, sqlPart(filter), limit);
  const builder = new BatchBuilder(options.withStream ?? false);
  let lastId = afterId;
  for (const row of rows) {
    lastId = row[0];
    if (filter.grep === undefined || filter.grep.test(row[4])) builder.push(row[1], row[2], row[3], row[4]);
  }
  return { batch: builder.build(), lastId, more: rows.length === limit };
}
