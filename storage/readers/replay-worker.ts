// The replay worker: reads the chunks of `replayBatchesAsync` on its own thread, so that on a
// machine with a spare core SQLite reads the next chunks while the main thread plans, then
// formats and writes the current one. It reads ahead at most WINDOW chunks the main thread
// has not taken.
import { parentPort, workerData } from 'node:worker_threads';
import { ChunkSource, chunkRanges } from './message-sql.js';
import type { ChunkRanges, PackedChunk, SqlFilter } from './message-types.js';
import { openRunDatabase } from './open-run.js';

export interface ReplayWorkerData {
  readonly dbPath: string;
  readonly filter: SqlFilter;
  readonly upTo: number;
  readonly chunkIds: number;
  readonly withStream: boolean;
  /** Chunks read ahead before waiting for the main thread. */
  readonly window: number;
}

export type FromReplayWorker =
  { readonly type: 'chunk'; readonly k: number; readonly chunk: PackedChunk } | { readonly type: 'error'; readonly message: string };

/** The main thread took a chunk. */
export type ToReplayWorker = 'ack';

function run(port: NonNullable<typeof parentPort>, data: ReplayWorkerData): void {
  let db;
  try {
    db = openRunDatabase(data.dbPath);
  } catch (error) {
    port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies FromReplayWorker);
    return;
  }
  const open = db;
  let plan: ChunkRanges;
  let source: ChunkSource;
  try {
    plan = chunkRanges(open, data.filter, data.upTo, data.chunkIds);
    source = new ChunkSource(open, data.filter, data.withStream);
  } catch (error) {
    open.close();
    port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies FromReplayWorker);
    return;
  }
  let next = 0;
  let unacknowledged = 0;
  const pump = (): void => {
    try {
      while (next < plan.starts.length && unacknowledged < data.window) {
        const chunk = source.read(plan.starts[next] as number, plan.ends[next] as number);
        const transfer = (
          chunk.kind === 'packed' ? [chunk.ts.buffer, chunk.key.buffer, ...(chunk.order === null ? [] : [chunk.order.buffer])] : []
        ) as ArrayBuffer[];
        port.postMessage({ type: 'chunk', k: next, chunk } satisfies FromReplayWorker, transfer);
        next++;
        unacknowledged++;
      }
    } catch (error) {
      port.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies FromReplayWorker);
      next = plan.starts.length;
    }
    if (next >= plan.starts.length) {
      open.close();
      port.close();
    }
  };
  port.on('message', (_ack: ToReplayWorker) => {
    unacknowledged--;
    if (next < plan.starts.length) pump();
  });
  pump();
}

if (parentPort !== null) run(parentPort, workerData as ReplayWorkerData);
