// One job's log as the job page scrolls it: lines fetched a chunk at a time around what is in
// view, the end fetched first, and new lines from the stream put in place, so a million-line
// log opens with one small read and follows a live job line by line.
import type { LinesPage, LogLine, StreamEvents } from '../../protocol.js';
import { getJson } from '../api.js';

export const CHUNK = 200;
/** Lines kept in memory; beyond it, those far from the view are let go. */
const KEEP = 20_000;

export interface LogFilter {
  readonly severity: string;
  readonly q: string;
}

export class LogModel {
  total = 0;
  all = 0;
  cursor = 0;
  readonly #lines = new Map<number, LogLine>();
  readonly #loading = new Set<number>();
  #generation = 0;

  constructor(
    readonly path: string,
    readonly filter: LogFilter,
    readonly changed: () => void,
  ) {}

  line(index: number): LogLine | undefined {
    return this.#lines.get(index);
  }

  #take(page: LinesPage & { cursor?: number }): void {
    this.total = page.total;
    this.all = page.all;
    if (page.cursor !== undefined) this.cursor = Math.max(this.cursor, page.cursor);
    page.lines.forEach((line, i) => this.#lines.set(page.offset + i, line));
  }

  async #get(params: Record<string, string | number | undefined>): Promise<(LinesPage & { cursor: number }) | null> {
    const generation = this.#generation;
    const page = await getJson<LinesPage & { cursor: number }>(this.path, { ...params, severity: this.filter.severity, q: this.filter.q });
    return generation === this.#generation ? page : null;
  }

  /** The first lines. */
  async head(): Promise<void> {
    const page = await this.#get({ offset: 0, limit: CHUNK });
    if (page === null) return;
    this.#take(page);
    this.changed();
  }

  /** The last lines. */
  async tail(): Promise<void> {
    const page = await this.#get({ tail: 1, limit: CHUNK });
    if (page === null) return;
    this.#take(page);
    this.changed();
  }

  /** The lines around line number `n`; returns its index in the filtered list. */
  async locate(n: number): Promise<number | null> {
    const page = await this.#get({ line: n, limit: CHUNK });
    if (page === null) return null;
    this.#take(page);
    this.changed();
    const at = page.lines.findIndex((line) => line.n >= n);
    return at < 0 ? null : page.offset + at;
  }

  /** Fetches the chunks the rows in view need. */
  ensure(first: number, last: number): void {
    for (let index = first; index < last; index++) {
      if (this.#lines.has(index)) continue;
      const chunk = Math.floor(index / CHUNK);
      if (this.#loading.has(chunk)) continue;
      this.#loading.add(chunk);
      void this.#get({ offset: chunk * CHUNK, limit: CHUNK })
        .then((page) => {
          if (page === null) return;
          this.#take(page);
          this.#forgetFarFrom(first);
          this.changed();
        })
        .finally(() => this.#loading.delete(chunk));
      index = (chunk + 1) * CHUNK - 1;
    }
  }

  #forgetFarFrom(index: number): void {
    if (this.#lines.size <= KEEP) return;
    for (const key of this.#lines.keys()) if (Math.abs(key - index) > KEEP / 2) this.#lines.delete(key);
  }

  /** New lines from the stream. */
  receive(event: StreamEvents['lines']): void {
    if (event.more) {
      void this.tail();
      return;
    }
    const base = event.total - event.lines.length;
    event.lines.forEach((line, i) => this.#lines.set(base + i, line));
    this.total = event.total;
    this.all = event.all;
    const last = event.lines[event.lines.length - 1];
    if (last !== undefined) this.cursor = Math.max(this.cursor, last.id);
    this.changed();
  }
}
