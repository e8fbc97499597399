// Live updates without asking the runner: every POLL_MS the hub asks each unfinished run's
// database whether anything was committed (PRAGMA data_version) and, only then, reads what
// changed and pushes it to the open streams: the run's counts to everyone, changed tree rows
// to the tabs showing that run, new lines, samples and the job row to the tabs following a
// job. DIR is watched for new runs (inotify where the file system has it, a rescan every
// SCAN_MS in any case).
import { watch, type FSWatcher } from 'node:fs';
import type { JobDetail, LogLine, StreamEvents } from '../protocol.js';
import { passesFilter, type LineFilter } from '../../storage/readers/job-lines.js';
import { readJobSamples } from '../../storage/readers/resource-series.js';
import type { Catalog } from './catalog.js';
import type { JobLogs } from './job-logs.js';
import type { Views } from './views.js';
import type { WatchedRun } from './watched-run.js';

/** How often unfinished runs are asked for commits (benchmarks/RESULTS.md: the cost of a poll). */
export const POLL_MS = 250;
/** How often DIR is listed again even without a change notice. */
export const SCAN_MS = 2_000;
/** Lines sent in one event; a follower further behind re-reads the end of the log instead. */
const LINES_PER_EVENT = 1_000;
/** Changed tree rows sent in one event; more, and the tab re-reads what it shows. */
const NODES_PER_EVENT = 2_000;

export type EventName = keyof StreamEvents;

/** One open stream: what its tab shows, and how far it has got. */
export interface Subscriber {
  readonly run: string | null;
  readonly job: number | null;
  readonly filter: LineFilter;
  /** The last message id the tab has (its job's lines up to here). */
  cursor: number;
  /** The newest sample time the tab has. */
  sampleTs: number;
  /** The last job row sent, to send it again only when it changed. */
  jobKey: string;
  send<E extends EventName>(event: E, data: StreamEvents[E]): void;
}

/** The stream's event id: where a reconnecting tab resumes (`Last-Event-ID`). */
export const eventId = (subscriber: Pick<Subscriber, 'cursor' | 'sampleTs'>): string => `${subscriber.cursor}:${subscriber.sampleTs}`;

export const parseEventId = (id: string | undefined): { cursor: number; sampleTs: number } | null => {
  const match = /^(\d+):(-?[\d.e+-]+|-Infinity)$/.exec(id ?? '');
  if (match === null) return null;
  return { cursor: Number(match[1]), sampleTs: Number(match[2]) };
};

export class Live {
  readonly #subscribers = new Set<Subscriber>();
  #poll: NodeJS.Timeout | null = null;
  #scan: NodeJS.Timeout | null = null;
  #watcher: FSWatcher | null = null;
  #scanSoon: NodeJS.Timeout | null = null;
  #busy = false;
  /** The unreadable runs as last sent, so a scan that changes nothing sends nothing. */
  #unreadableSaid = '[]';

  constructor(
    readonly catalog: Catalog,
    readonly views: Views,
    readonly logs: JobLogs,
  ) {}

  start(): void {
    this.#poll = setInterval(() => void this.tick(), POLL_MS);
    this.#scan = setInterval(() => this.rescan(), SCAN_MS);
    this.#watch();
  }

  /** Change notices for DIR, once it exists. */
  #watch(): void {
    if (this.#watcher !== null || !this.catalog.exists) return;
    try {
      this.#watcher = watch(this.catalog.root, () => {
        // A burst of directory events (a run creating its files) becomes one scan.
        this.#scanSoon ??= setTimeout(() => {
          this.#scanSoon = null;
          this.rescan();
        }, 50);
      });
      this.#watcher.on('error', () => this.#watcher?.close());
    } catch {
      // No inotify here (or DIR is a file): the periodic scan is enough.
    }
  }

  stop(): void {
    if (this.#poll !== null) clearInterval(this.#poll);
    if (this.#scan !== null) clearInterval(this.#scan);
    if (this.#scanSoon !== null) clearTimeout(this.#scanSoon);
    this.#watcher?.close();
  }

  subscribe(subscriber: Subscriber): () => void {
    this.#subscribers.add(subscriber);
    subscriber.send('runs', this.views.summaries());
    subscriber.send('unreadable', this.views.unreadable());
    return () => this.#subscribers.delete(subscriber);
  }

  get subscribers(): number {
    return this.#subscribers.size;
  }

  rescan(): void {
    const change = this.catalog.scan();
    this.#watch();
    const unreadable = this.views.unreadable();
    const said = JSON.stringify(unreadable);
    if (said !== this.#unreadableSaid) {
      this.#unreadableSaid = said;
      for (const subscriber of this.#subscribers) subscriber.send('unreadable', unreadable);
    }
    if (change.added.length === 0 && change.removed.length === 0) return;
    for (const name of change.removed) this.logs.forget(name);
    const runs = this.views.summaries();
    for (const subscriber of this.#subscribers) subscriber.send('runs', runs);
  }

  /** One round: every unfinished run polled, changes sent. */
  async tick(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      for (const run of this.catalog.runs()) {
        if (!run.live) continue;
        let change;
        try {
          change = run.poll();
        } catch {
          continue; // A database being checkpointed or replaced: try again next round.
        }
        if (change === null) continue;
        if (change.summary) {
          const summary = this.views.summary(run);
          for (const subscriber of this.#subscribers) subscriber.send('run', summary);
        }
        const watching = [...this.#subscribers].filter((subscriber) => subscriber.run === run.name);
        if (watching.length === 0) continue;
        if (change.nodes.length > 0 && watching.some((subscriber) => subscriber.job === null)) {
          const reset = change.nodes.length > NODES_PER_EVENT;
          const nodes = reset ? [] : this.views.changedNodes(run, change.nodes);
          for (const subscriber of watching) if (subscriber.job === null) subscriber.send('nodes', { run: run.name, nodes, reset });
        }
        await this.#followJobs(
          run,
          watching.filter((subscriber) => subscriber.job !== null),
        );
      }
    } finally {
      this.#busy = false;
    }
  }

  /** New lines, samples and job rows for the tabs following jobs of this run. */
  async #followJobs(run: WatchedRun, followers: readonly Subscriber[]): Promise<void> {
    const byJob = new Map<number, Subscriber[]>();
    for (const subscriber of followers) {
      const list = byJob.get(subscriber.job as number) ?? [];
      list.push(subscriber);
      byJob.set(subscriber.job as number, list);
    }
    for (const [jobId, subscribers] of byJob) {
      const log = await this.logs.peek(run.name, jobId);
      if (log !== undefined) this.logs.catchUp(log, run.db, jobId);
      let detail: JobDetail | null = null;
      try {
        detail = this.views.job(run.name, jobId);
      } catch {
        continue;
      }
      for (const subscriber of subscribers) await this.catchUpSubscriber(run, subscriber, detail);
    }
  }

  /** Sends one follower what it lacks: lines after its cursor, newer samples, the job row. */
  async catchUpSubscriber(run: WatchedRun, subscriber: Subscriber, detail?: JobDetail): Promise<void> {
    const jobId = subscriber.job;
    if (jobId === null) return;
    const log = await this.logs.open(run.name, run.dbPath, run.db, jobId, () => detail?.cursor ?? 0);
    const ids = await this.logs.filtered(run.name, run.dbPath, log, jobId, subscriber.filter);
    const all = log.all.view();
    // Lines after the cursor, as positions in the whole log.
    let from = all.length;
    while (from > 0 && (all[from - 1] as number) > subscriber.cursor) from--;
    if (from < all.length) {
      const newIds = all.subarray(from);
      const more = newIds.length > LINES_PER_EVENT;
      const lines: LogLine[] = [];
      if (!more) {
        for (const line of this.views.lineRows(run, newIds)) {
          if (passesFilter(line, subscriber.filter)) lines.push({ ...line, n: log.lineNumber(line.id) });
        }
      }
      subscriber.cursor = log.lastId;
      subscriber.send('lines', { lines, all: log.all.length, total: ids.length, more });
    } else if (log.lastId > subscriber.cursor) subscriber.cursor = log.lastId;
    const samples = readJobSamples(run.db, jobId, subscriber.sampleTs);
    if (samples.ts.length > 0) {
      subscriber.sampleTs = samples.ts[samples.ts.length - 1] as number;
      subscriber.send('samples', samples);
    }
    const job = detail ?? this.views.job(run.name, jobId);
    const { cursor: _cursor, duration: _duration, ...stable } = job;
    const key = JSON.stringify(stable);
    if (key !== subscriber.jobKey) {
      subscriber.jobKey = key;
      subscriber.send('job', job);
    }
  }
}
