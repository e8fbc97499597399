// Booting the threads of a run. Kept apart from everything a run needs once it starts, so that
// the threads begin their own start-up before the main thread loads SQLite and the actors.
import { availableParallelism } from 'node:os';
import { Kernel } from '../runtime/index.js';

/** Booted threads, ready for one run; boot them early to overlap with reading the spec. */
export interface RunRuntime {
  readonly kernel: Kernel;
  readonly jobHosts: readonly number[];
  /** Milliseconds from the start of booting until every thread was ready. */
  readonly bootMs: number;
}

/** The storage thread is host 1; job threads follow. */
export const STORAGE_HOST = 1;

export async function bootRuntime(slots: number, jobThreads?: number): Promise<RunRuntime> {
  // The pool is sized from the CPUs: one thread for storage, the rest for jobs (jobs are
  // forked by each job thread's spawn server, so more threads than CPUs buy nothing).
  const threads = Math.max(1, Math.min(jobThreads ?? availableParallelism() - 1, slots, 16));
  const started = performance.now();
  const kernel = await Kernel.start({
    workers: 1 + threads,
    catalog: import('./catalog-main.js').then((module) => module.default),
    catalogUrl: (host) => new URL(host === STORAGE_HOST ? './catalog-storage.js' : './catalog-jobs.js', import.meta.url),
  });
  return { kernel, jobHosts: Array.from({ length: threads }, (_, i) => i + STORAGE_HOST + 1), bootMs: performance.now() - started };
}
