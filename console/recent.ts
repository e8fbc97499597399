// A fixed-size ring of the newest items: the panel's failed jobs. Memory and per-frame cost stay
// bounded however many jobs fail; the full list lives in the run database and the report.

export class Recent<T> {
  readonly #items: (T | undefined)[];
  #next = 0;
  #count = 0;
  #work = 0;

  constructor(readonly capacity: number) {
    this.#items = new Array<T | undefined>(capacity);
  }

  /** Everything ever pushed, including what the ring has dropped. */
  get count(): number {
    return this.#count;
  }

  get work(): number {
    return this.#work;
  }

  push(item: T): void {
    this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.capacity;
    this.#count += 1;
  }

  /** Up to `limit` items, newest first. */
  newest(limit: number): T[] {
    const out: T[] = [];
    const available = Math.min(limit, this.#count, this.capacity);
    for (let i = 1; i <= available; i += 1) {
      this.#work += 1;
      const item = this.#items[(this.#next - i + this.capacity) % this.capacity];
      if (item !== undefined) out.push(item);
    }
    return out;
  }
}
