// One sampler per host measures every running job's process tree on the same tick: one
// pidusage call for all trees, instead of a timer and a call per job.
import type pidusageType from 'pidusage';
import { processTree } from './process-tree.js';

export interface TreeSample {
  readonly ts: number;
  readonly nproc: number;
  /** Sum of the tree's CPU use, percent of one core. */
  readonly cpu: number;
  /** Sum of the tree's resident memory, bytes. */
  readonly rss: number;
}

type Listener = (sample: TreeSample) => void;

/** What a job actor needs of a sampler: watch a process tree, and stop watching it. */
export interface TreeSampler {
  watch(leader: number, listener: Listener): void;
  unwatch(leader: number): void;
}

/** Loaded at the first sweep: a run whose jobs end within a second never needs it. */
let pidusage: typeof pidusageType | null = null;

export class Sampler implements TreeSampler {
  #jobs = new Map<number, Listener>();
  #timer: NodeJS.Timeout | null = null;
  #intervalMs: number;
  #busy = false;

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  watch(leader: number, listener: Listener): void {
    this.#jobs.set(leader, listener);
    if (this.#timer === null) this.#timer = setInterval(() => void this.#tick(), this.#intervalMs);
  }

  unwatch(leader: number): void {
    this.#jobs.delete(leader);
    if (this.#jobs.size === 0 && this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  async #tick(): Promise<void> {
    // A slow sweep (thousands of processes) must not overlap the next one.
    if (this.#busy || this.#jobs.size === 0) return;
    this.#busy = true;
    try {
      const trees = [...this.#jobs.keys()].map((leader) => ({ leader, pids: processTree(leader) }));
      const all = trees.flatMap((tree) => tree.pids);
      pidusage ??= (await import('pidusage')).default;
      const stats = await pidusage(all);
      const ts = Date.now() / 1000;
      for (const { leader, pids } of trees) {
        const listener = this.#jobs.get(leader);
        if (listener === undefined) continue;
        let nproc = 0;
        let cpu = 0;
        let rss = 0;
        for (const pid of pids) {
          const stat = stats[pid];
          if (stat === undefined || stat === null) continue;
          nproc++;
          cpu += stat.cpu;
          rss += stat.memory;
        }
        if (nproc > 0) listener({ ts, nproc, cpu, rss });
      }
    } catch {
      // Every process of this sweep ended between listing and reading; the next tick retries.
    } finally {
      this.#busy = false;
    }
  }
}

/** A sampler that sweeps every `intervalSeconds` (at most 20 times a second). */
export const createSampler = (intervalSeconds: number): Sampler => new Sampler(Math.max(50, intervalSeconds * 1000));
