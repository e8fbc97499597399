// What the live panel and the status lines show, kept as counters and bounded structures so
// that a snapshot costs the same for 10 jobs as for 100,000: nothing here iterates all jobs.
import type { JobStarted, LiveMessage, NodeEnded, Waiting } from '../actors/events.js';
import { failureReason } from './outcome.js';
import { Recent } from './recent.js';
import { RunningSet, type RunningJob } from './running-set.js';

export interface FailedJob {
  readonly path: string;
  readonly reason: string;
  readonly firstError: string | null;
  readonly ts: number;
}

export interface ProgressSnapshot {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly aborted: number;
  readonly running: number;
  readonly pending: number;
  /** Seconds since the run started. */
  readonly elapsed: number;
  /** Estimated seconds left, from the durations of finished jobs; null until one has finished. */
  readonly eta: number | null;
  /** The longest-running jobs, longest first, and how many more run. */
  readonly runningJobs: readonly RunningJob[];
  /** The newest failures, newest first. */
  readonly failedJobs: readonly FailedJob[];
  readonly dbPath: string | null;
  readonly now: number;
  /** Jobs ready to run but held back by a resource pool, and which pools. */
  readonly waiting: Waiting;
}

/** How many failures the ring remembers for the panel; the report has them all. */
const FAILURE_MEMORY = 16;

export class ProgressModel {
  #total = 0;
  #passed = 0;
  #failed = 0;
  #aborted = 0;
  #startedAt: number | null = null;
  #dbPath: string | null = null;
  #durationSum = 0;
  #durationCount = 0;
  readonly #running = new RunningSet();
  readonly #failures = new Recent<FailedJob>(FAILURE_MEMORY);
  /** ERROR/CRITICAL lines seen per running job, to say "3 ERROR lines over the limit". */
  readonly #errorLines = new Map<number, number>();
  #waiting: Waiting = { total: 0, byPool: [] };

  get work(): number {
    return this.#running.work + this.#failures.work;
  }

  get dbPath(): string | null {
    return this.#dbPath;
  }

  runStarted(info: { readonly ts: number; readonly jobCount: number; readonly dbPath: string }): void {
    this.#startedAt = info.ts;
    this.#total = info.jobCount;
    this.#dbPath = info.dbPath;
  }

  jobStarted(job: JobStarted): void {
    this.#startedAt ??= job.ts;
    this.#running.add({ id: job.id, path: job.path, startedAt: job.ts });
  }

  message(message: LiveMessage): void {
    if (message.severity === 'ERROR' || message.severity === 'CRITICAL') {
      this.#errorLines.set(message.jobId, (this.#errorLines.get(message.jobId) ?? 0) + 1);
    }
  }

  /** What jobs ready to run wait for, as the run last said. */
  waiting(waiting: Waiting): void {
    this.#waiting = waiting;
  }

  /** ERROR/CRITICAL lines seen for a job so far. */
  errorLines(jobId: number): number {
    return this.#errorLines.get(jobId) ?? 0;
  }

  nodeEnded(node: NodeEnded): void {
    const errorLines = this.errorLines(node.id);
    this.#errorLines.delete(node.id);
    this.#running.delete(node.id);
    // Group and array ends settle no leaf of their own, except a pruned subtree's aborts.
    const settled = node.jobs;
    if (node.result === 'success') this.#passed += settled;
    else if (node.result === 'failure') this.#failed += settled;
    else if (node.result === 'aborted') this.#aborted += settled;
    if (node.kind !== 'job') return;
    if ((node.result === 'success' || node.result === 'failure') && node.duration > 0) {
      this.#durationSum += node.duration;
      this.#durationCount += 1;
    }
    if (node.result === 'failure') {
      this.#failures.push({ path: node.path, reason: failureReason(node, errorLines), firstError: node.firstError, ts: node.ts });
    }
  }

  snapshot(now: number, limits: { readonly running: number; readonly failed: number }): ProgressSnapshot {
    const running = this.#running.size;
    const settled = this.#passed + this.#failed + this.#aborted;
    const total = Math.max(this.#total, settled + running);
    const pending = total - settled - running;
    return {
      total,
      passed: this.#passed,
      failed: this.#failed,
      aborted: this.#aborted,
      running,
      pending,
      elapsed: this.#startedAt === null ? 0 : Math.max(0, now - this.#startedAt),
      eta: this.#eta(pending, running),
      runningJobs: this.#running.oldest(limits.running),
      failedJobs: this.#failures.newest(limits.failed),
      dbPath: this.#dbPath,
      now,
      waiting: this.#waiting,
    };
  }

  /**
   * Work left over the parallelism in use: every pending job takes the mean duration of the
   * finished ones, every running job half of it (on average it is half done).
   */
  #eta(pending: number, running: number): number | null {
    if (this.#durationCount === 0) return null;
    if (pending === 0 && running === 0) return 0;
    const mean = this.#durationSum / this.#durationCount;
    return ((pending + running / 2) * mean) / Math.max(1, running);
  }
}
