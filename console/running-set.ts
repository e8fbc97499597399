// The running jobs, oldest start first, so the panel can show the longest-running few in O(k)
// however many jobs run at once: a Map for O(1) removal by id plus an intrusive doubly linked
// list kept in start order (jobs start in roughly time order, so insertion walks back only past
// the few that started "later" on another worker thread).

export interface RunningJob {
  readonly id: number;
  readonly path: string;
  /** Unix seconds. */
  readonly startedAt: number;
}

interface Link extends RunningJob {
  older: Link | null;
  newer: Link | null;
}

/** How far insertion walks back to keep start order; beyond it order is approximate, never slow. */
const MAX_REORDER = 32;

export class RunningSet {
  readonly #byId = new Map<number, Link>();
  #oldest: Link | null = null;
  #newest: Link | null = null;
  #work = 0;

  get size(): number {
    return this.#byId.size;
  }

  /** Steps taken by `add` and `oldest` so far: the unit the O(1)-per-frame tests count. */
  get work(): number {
    return this.#work;
  }

  add(job: RunningJob): void {
    if (this.#byId.has(job.id)) this.delete(job.id);
    const link: Link = { ...job, older: null, newer: null };
    let after = this.#newest;
    for (let steps = 0; after !== null && after.startedAt > job.startedAt && steps < MAX_REORDER; steps += 1) {
      this.#work += 1;
      after = after.older;
    }
    this.#insertAfter(link, after);
    this.#byId.set(job.id, link);
  }

  delete(id: number): boolean {
    const link = this.#byId.get(id);
    if (link === undefined) return false;
    this.#byId.delete(id);
    if (link.older === null) this.#oldest = link.newer;
    else link.older.newer = link.newer;
    if (link.newer === null) this.#newest = link.older;
    else link.newer.older = link.older;
    return true;
  }

  /** The `count` longest-running jobs, longest first. */
  oldest(count: number): RunningJob[] {
    const jobs: RunningJob[] = [];
    for (let link = this.#oldest; link !== null && jobs.length < count; link = link.newer) {
      this.#work += 1;
      jobs.push({ id: link.id, path: link.path, startedAt: link.startedAt });
    }
    return jobs;
  }

  #insertAfter(link: Link, after: Link | null): void {
    if (after === null) {
      link.newer = this.#oldest;
      if (this.#oldest !== null) this.#oldest.older = link;
      this.#oldest = link;
      if (this.#newest === null) this.#newest = link;
      return;
    }
    link.older = after;
    link.newer = after.newer;
    if (after.newer !== null) after.newer.older = link;
    else this.#newest = link;
    after.newer = link;
  }
}
