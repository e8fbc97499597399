// The pool the heavy reads run on (piscina, the design card's task pool): at most two threads
// on this two-core class of machine, started on first use and stopped when idle, so a hub
// nobody queries holds no extra threads. A task can be given up on (a runaway SQL query):
// piscina then ends its thread, which is the only way to stop SQLite mid-statement.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { ReaderError } from '../../storage/readers/errors.js';
import type { ReadResults, ReadTask, TaskError } from './read-tasks.js';

export type TaskOf<K extends ReadTask['kind']> = Extract<ReadTask, { kind: K }>;

export interface ReadPool {
  run<K extends ReadTask['kind']>(task: TaskOf<K>, options?: { readonly timeoutMs?: number }): Promise<ReadResults[K]>;
  close(): Promise<void>;
}

/** A task that took longer than it was allowed. */
export class ReadTimeoutError extends ReaderError {
  override readonly name = 'ReadTimeoutError';
}

const isTaskError = (value: unknown): value is TaskError => typeof value === 'object' && value !== null && 'taskError' in value;

const workerFile = (): string => {
  const compiled = fileURLToPath(new URL('./read-tasks.js', import.meta.url));
  // Under a TypeScript loader (tests of the server itself) piscina loads the .ts directly.
  return existsSync(compiled) ? compiled : fileURLToPath(new URL('./read-tasks.ts', import.meta.url));
};

/**
 * The pool, with `threads` threads (at most two by default). `threads = 0` runs the reads on the
 * event loop instead, as the hub would without a pool: benchmarks/hub.ts measures the two side
 * by side (`GATOR_HUB_READ_THREADS=0`).
 */
export function createReadPool(threads = Math.max(1, Math.min(2, availableParallelism()))): ReadPool {
  if (threads === 0) return inlinePool();
  const pool = new Piscina({ filename: workerFile(), minThreads: 0, maxThreads: threads, idleTimeout: 30_000 });
  return {
    async run<K extends ReadTask['kind']>(task: TaskOf<K>, options: { readonly timeoutMs?: number } = {}): Promise<ReadResults[K]> {
      const signal = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
      let result: unknown;
      try {
        result = await pool.run(task, signal === undefined ? {} : { signal });
      } catch (error) {
        if (signal?.aborted === true) throw new ReadTimeoutError(`stopped after ${Math.round((options.timeoutMs ?? 0) / 1000)} s: the read took too long`);
        throw error;
      }
      return answer<K>(result);
    },
    close: () => pool.destroy(),
  };
}

const answer = <K extends ReadTask['kind']>(result: unknown): ReadResults[K] => {
  if (isTaskError(result)) throw new ReaderError(result.taskError);
  return result as ReadResults[K];
};

/** The same tasks on the calling thread (no timeout: nothing can stop SQLite there). */
function inlinePool(): ReadPool {
  let tasks: Promise<typeof import('./read-tasks.js')> | null = null;
  return {
    async run<K extends ReadTask['kind']>(task: TaskOf<K>): Promise<ReadResults[K]> {
      tasks ??= import('./read-tasks.js');
      return answer<K>((await tasks).default(task));
    },
    close: () => Promise.resolve(),
  };
}

/** The read threads the hub uses: GATOR_HUB_READ_THREADS when set (0: none), else the default. */
export const readThreadsFromEnv = (env: NodeJS.ProcessEnv = process.env): number | undefined => {
  const value = env.GATOR_HUB_READ_THREADS;
  if (value === undefined || value === '' || !/^\d+$/.test(value)) return undefined;
  return Number(value);
};
