// The line lists of the jobs people have open: every line's id in order (so a line number is
// a position), and the ids that pass each filter in use. Built once on the read pool (a
// million-line job costs one packed read there), then extended as a live job prints, so
// opening, scrolling and following never scan the job's lines again on the event loop.
import type Database from 'better-sqlite3';
import { isFiltered, lowerBound, passesFilter, readLinesAfter, type LineFilter, type LogLine } from '../../storage/readers/job-lines.js';
import type { ReadPool } from './read-pool.js';

/** A growing list of ids in a typed array: 8 bytes a line. */
export class IdList {
  #data: Float64Array;
  #length: number;

  constructor(initial: Float64Array) {
    this.#data = initial;
    this.#length = initial.length;
  }

  get length(): number {
    return this.#length;
  }

  at(position: number): number | undefined {
    return position >= 0 && position < this.#length ? this.#data[position] : undefined;
  }

  push(id: number): void {
    if (this.#length === this.#data.length) {
      const grown = new Float64Array(Math.max(1024, this.#data.length * 2));
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data[this.#length++] = id;
  }

  /** Drops ids above `id` (a list read a moment later than the one it must match). */
  truncateAfter(id: number): void {
    this.#length = lowerBound(this.view(), id + 1);
  }

  view(): Float64Array {
    return this.#data.subarray(0, this.#length);
  }

  get bytes(): number {
    return this.#data.byteLength;
  }
}

const filterKey = (filter: LineFilter): string => JSON.stringify([filter.minSeverity ?? '', filter.text ?? '']);

/** One job's lists: all its lines, and one per filter asked for. */
export class JobLog {
  readonly all: IdList;
  /** The largest id the lists have taken in. */
  lastId: number;
  readonly #filtered = new Map<string, { filter: LineFilter; ids: IdList }>();

  constructor(all: Float64Array, lastId: number) {
    this.all = new IdList(all);
    this.lastId = lastId;
  }

  filtered(filter: LineFilter): IdList | undefined {
    return isFiltered(filter) ? this.#filtered.get(filterKey(filter))?.ids : this.all;
  }

  addFiltered(filter: LineFilter, ids: Float64Array): IdList {
    const list = new IdList(ids);
    list.truncateAfter(this.lastId);
    this.#filtered.set(filterKey(filter), { filter, ids: list });
    return list;
  }

  /** Takes in lines after `lastId`, in order. */
  append(lines: readonly Pick<LogLine, 'id' | 'severity' | 'text'>[]): void {
    for (const line of lines) {
      if (line.id <= this.lastId) continue;
      this.all.push(line.id);
      for (const entry of this.#filtered.values()) if (passesFilter(line, entry.filter)) entry.ids.push(line.id);
      this.lastId = line.id;
    }
  }

  /** The 1-based line number of a line id. */
  lineNumber(id: number): number {
    return lowerBound(this.all.view(), id) + 1;
  }

  get bytes(): number {
    let bytes = this.all.bytes;
    for (const entry of this.#filtered.values()) bytes += entry.ids.bytes;
    return bytes;
  }
}

/** Lists kept beyond this many bytes are dropped, least recently used first. */
const BUDGET_BYTES = 256 * 1024 * 1024;

export class JobLogs {
  readonly #logs = new Map<string, Promise<JobLog>>();
  readonly #filtering = new Map<string, Promise<IdList>>();

  constructor(readonly pool: ReadPool) {}

  /** The job's log lists, built on the pool the first time and caught up with new lines. */
  async open(runName: string, dbPath: string, db: Database.Database, jobId: number, lastMessageId: () => number): Promise<JobLog> {
    const key = `${runName}\u0000${jobId}`;
    let pending = this.#logs.get(key);
    if (pending === undefined) {
      pending = (async () => {
        // The run's last id is taken first: the list read after it holds at least that much.
        const upTo = lastMessageId();
        const ids = await this.pool.run({ kind: 'line-ids', dbPath, jobId, filter: {}, afterId: 0 });
        const log = new JobLog(ids, upTo);
        log.all.truncateAfter(upTo);
        return log;
      })();
      this.#logs.set(key, pending);
      pending.catch(() => this.#logs.delete(key));
    } else {
      // Most recently used last.
      this.#logs.delete(key);
      this.#logs.set(key, pending);
    }
    const log = await pending;
    this.catchUp(log, db, jobId);
    this.#trim();
    return log;
  }

  /** The job's list for a filter, built on the pool the first time. */
  async filtered(runName: string, dbPath: string, log: JobLog, jobId: number, filter: LineFilter): Promise<IdList> {
    const known = log.filtered(filter);
    if (known !== undefined) return known;
    const key = `${runName}\u0000${jobId}\u0000${filterKey(filter)}`;
    let pending = this.#filtering.get(key);
    if (pending === undefined) {
      pending = this.pool.run({ kind: 'line-ids', dbPath, jobId, filter, afterId: 0 }).then((ids) => log.addFiltered(filter, ids));
      this.#filtering.set(key, pending);
      void pending.finally(() => this.#filtering.delete(key)).catch(() => undefined);
    }
    return pending;
  }

  /** Takes in the lines the job printed since the lists were last extended, and returns them. */
  catchUp(log: JobLog, db: Database.Database, jobId: number): LogLine[] {
    const lines = readLinesAfter(db, jobId, log.lastId, -1);
    log.append(lines);
    return lines;
  }

  /** The log of a job, if it is open. */
  async peek(runName: string, jobId: number): Promise<JobLog | undefined> {
    return this.#logs.get(`${runName}\u0000${jobId}`);
  }

  forget(runName: string): void {
    for (const key of this.#logs.keys()) if (key.startsWith(`${runName}\u0000`)) this.#logs.delete(key);
  }

  #trim(): void {
    void (async () => {
      let total = 0;
      const entries = [...this.#logs.entries()].reverse();
      for (const [key, pending] of entries) {
        const log = await Promise.race([pending, Promise.resolve(undefined)]);
        if (log === undefined) continue;
        total += log.bytes;
        if (total > BUDGET_BYTES) this.#logs.delete(key);
      }
    })();
  }
}
