// Resource-aware admission: which waiting jobs may start now, given the run's pools (job
// slots, cores, memory, licences) and what the running jobs hold. Pure: no actors, no
// clocks, so the policy is tested on its own and any scheduler can drive it.
//
// The policy is first fit in arrival order: every waiting request that fits alongside what
// runs starts, even past an earlier one that does not fit (a small job need not wait behind
// a big one). That alone can starve the big one: a stream of small jobs keeps taking what it
// needs. So the earliest waiting request counts how many later ones started before it; after
// `maxBypass` of them it holds a reservation: from then on, a later request starts only if
// it still fits with the reserved amounts set aside on every pool. Running jobs only give
// back, so the reserved job starts at the latest when enough of what was running has ended.
//
// Requests with the same shape (cores, memory, licences) queue together. Within one pass the
// free amounts only shrink, so once a shape's head does not fit, nothing else of that shape
// can: a pass costs O(started × shapes), not O(waiting), which matters when thousands of
// jobs wait for one licence.

/** What one job holds while it runs. Every job also holds one slot (`-j`). */
export interface ResourceRequest {
  readonly cores: number;
  readonly memoryBytes: number;
  readonly licenses: Readonly<Record<string, number>>;
}

export interface Pools {
  /** Jobs running at once (`-j`). */
  readonly slots: number;
  readonly cores: number;
  readonly memoryBytes: number;
  /** Licence pools by name; null when none are declared, and then licences are not counted. */
  readonly licenses: Readonly<Record<string, number>> | null;
}

/** A pool a waiting job is short of: `slots`, `cores`, `memory` or `license:<name>`. */
export type PoolName = 'slots' | 'cores' | 'memory' | `license:${string}`;

export const DEFAULT_MAX_BYPASS = 16;

interface Waiting<K> {
  readonly key: K;
  readonly seq: number;
  readonly request: ResourceRequest;
  /** Later requests that started while this one waited. */
  bypassed: number;
}

interface Shape<K> {
  readonly request: ResourceRequest;
  readonly queue: Waiting<K>[];
  /** Index of the first live entry of `queue` (entries before it were taken). */
  head: number;
  /** The pool the shape was last short of, and the last arrival that was waiting then. */
  shortOf: PoolName | null;
  shortUpTo: number;
}

/** A request that may start, and the pool it last waited for (null if it never waited). */
export interface Started<K> {
  readonly key: K;
  readonly waitedFor: PoolName | null;
}

const shapeKey = (r: ResourceRequest): string => {
  const names = Object.keys(r.licenses);
  if (names.length === 0) return `${r.cores}/${r.memoryBytes}`;
  return `${r.cores}/${r.memoryBytes}/${names
    .sort()
    .map((n) => `${n}=${r.licenses[n] ?? 0}`)
    .join(',')}`;
};

/** Why `request` can never start with these pools (it wants more than a whole pool), or undefined. */
export function impossibleRequest(
  pools: Pools,
  request: ResourceRequest,
): { readonly pool: PoolName; readonly wants: number; readonly has: number | null } | undefined {
  if (request.cores > pools.cores) return { pool: 'cores', wants: request.cores, has: pools.cores };
  if (request.memoryBytes > pools.memoryBytes) return { pool: 'memory', wants: request.memoryBytes, has: pools.memoryBytes };
  if (pools.licenses === null) return undefined;
  for (const [name, count] of Object.entries(request.licenses)) {
    if (count === 0) continue;
    const has = Object.hasOwn(pools.licenses, name) ? (pools.licenses[name] ?? 0) : null;
    if (has === null || count > has) return { pool: `license:${name}`, wants: count, has };
  }
  return undefined;
}

export class Admission<K> {
  readonly #pools: Pools;
  readonly #maxBypass: number;
  #usedSlots = 0;
  #usedCores = 0;
  #usedMemory = 0;
  readonly #usedLicenses = new Map<string, number>();
  readonly #shapes = new Map<string, Shape<K>>();
  readonly #held = new Map<K, ResourceRequest>();
  #seq = 0;
  #waiting = 0;

  constructor(pools: Pools, maxBypass = DEFAULT_MAX_BYPASS) {
    this.#pools = pools;
    this.#maxBypass = maxBypass;
  }

  get waiting(): number {
    return this.#waiting;
  }

  get running(): number {
    return this.#held.size;
  }

  /** Queues a request; call `admit` to find out what may start. */
  enqueue(key: K, request: ResourceRequest): void {
    const k = shapeKey(request);
    let shape = this.#shapes.get(k);
    if (shape === undefined) {
      shape = { request, queue: [], head: 0, shortOf: null, shortUpTo: -1 };
      this.#shapes.set(k, shape);
    }
    shape.queue.push({ key, seq: this.#seq++, request, bypassed: 0 });
    this.#waiting++;
  }

  /** Gives back what a started job held. Unknown keys are ignored. */
  release(key: K): void {
    const request = this.#held.get(key);
    if (request === undefined) return;
    this.#held.delete(key);
    this.#usedSlots--;
    this.#usedCores -= request.cores;
    this.#usedMemory -= request.memoryBytes;
    if (this.#pools.licenses !== null) {
      for (const [name, count] of Object.entries(request.licenses)) this.#usedLicenses.set(name, (this.#usedLicenses.get(name) ?? 0) - count);
    }
  }

  /** Drops waiting requests (a group that stops); returns their keys. */
  cancel(drop: (key: K) => boolean): K[] {
    const dropped: K[] = [];
    for (const [k, shape] of this.#shapes) {
      const kept: Waiting<K>[] = [];
      for (let i = shape.head; i < shape.queue.length; i++) {
        const w = shape.queue[i]!;
        if (drop(w.key)) dropped.push(w.key);
        else kept.push(w);
      }
      if (kept.length === 0) this.#shapes.delete(k);
      else {
        shape.queue.length = 0;
        shape.queue.push(...kept);
        shape.head = 0;
      }
    }
    this.#waiting -= dropped.length;
    return dropped;
  }

  /** Starts every waiting request that may start now, in arrival order. */
  admit(): Started<K>[] {
    const started: Started<K>[] = [];
    if (this.#waiting === 0) return started;
    const oldest = this.#oldest();
    const reserved = oldest !== undefined && oldest.bypassed >= this.#maxBypass ? oldest : undefined;
    // Shapes whose head did not fit in this pass: nothing more of theirs can.
    const blocked = new Set<Shape<K>>();
    let reservedStarted = false;
    for (;;) {
      if (this.#usedSlots >= this.#pools.slots) {
        for (const shape of this.#shapes.values()) {
          const head = shape.queue[shape.head];
          if (!blocked.has(shape) && head !== undefined) this.#noteShort(shape, this.#shortOf(head.request, undefined) ?? 'slots');
        }
        break;
      }
      let next: Shape<K> | undefined;
      for (const shape of this.#shapes.values()) {
        if (blocked.has(shape)) continue;
        const head = shape.queue[shape.head];
        if (head !== undefined && (next === undefined || head.seq < (next.queue[next.head]?.seq ?? Infinity))) next = shape;
      }
      if (next === undefined) break;
      const candidate = next.queue[next.head]!;
      const setAside = reserved !== undefined && !reservedStarted && reserved !== candidate ? reserved.request : undefined;
      const short = this.#shortOf(candidate.request, setAside);
      if (short !== undefined) {
        this.#noteShort(next, short);
        blocked.add(next);
        continue;
      }
      this.#take(next, candidate);
      if (candidate === reserved) reservedStarted = true;
      started.push({ key: candidate.key, waitedFor: candidate.seq <= next.shortUpTo ? next.shortOf : null });
    }
    // The oldest waiting request counts the later ones that started before it.
    const still = this.#oldest();
    if (still !== undefined) {
      for (const { key } of started) {
        const seq = this.#seqOfStarted.get(key);
        if (seq !== undefined && seq > still.seq) still.bypassed++;
      }
    }
    this.#seqOfStarted.clear();
    return started;
  }

  /** For each pool, how many waiting jobs are held back by it (the first pool each one is short of). */
  blockedBy(): Map<PoolName, number> {
    const out = new Map<PoolName, number>();
    const oldest = this.#oldest();
    const reserved = oldest !== undefined && oldest.bypassed >= this.#maxBypass ? oldest : undefined;
    for (const shape of this.#shapes.values()) {
      const count = shape.queue.length - shape.head;
      const head = shape.queue[shape.head];
      if (count === 0 || head === undefined) continue;
      const pool = this.#shortOf(shape.request, reserved !== undefined && reserved !== head ? reserved.request : undefined) ?? 'slots';
      out.set(pool, (out.get(pool) ?? 0) + count);
    }
    return out;
  }

  readonly #seqOfStarted = new Map<K, number>();

  #noteShort(shape: Shape<K>, pool: PoolName): void {
    const last = shape.queue[shape.queue.length - 1];
    if (last === undefined || shape.head >= shape.queue.length) return;
    shape.shortOf = pool;
    shape.shortUpTo = last.seq;
  }

  #take(shape: Shape<K>, w: Waiting<K>): void {
    shape.head++;
    if (shape.head === shape.queue.length) {
      shape.queue.length = 0;
      shape.head = 0;
    } else if (shape.head > 1024 && shape.head * 2 > shape.queue.length) {
      // Compact now and then, so a long queue does not keep what it handed out.
      shape.queue.splice(0, shape.head);
      shape.head = 0;
    }
    this.#waiting--;
    this.#seqOfStarted.set(w.key, w.seq);
    const r = w.request;
    this.#held.set(w.key, r);
    this.#usedSlots++;
    this.#usedCores += r.cores;
    this.#usedMemory += r.memoryBytes;
    if (this.#pools.licenses !== null) {
      for (const [name, count] of Object.entries(r.licenses)) this.#usedLicenses.set(name, (this.#usedLicenses.get(name) ?? 0) + count);
    }
  }

  #oldest(): Waiting<K> | undefined {
    let oldest: Waiting<K> | undefined;
    for (const shape of this.#shapes.values()) {
      const head = shape.queue[shape.head];
      if (head !== undefined && (oldest === undefined || head.seq < oldest.seq)) oldest = head;
    }
    return oldest;
  }

  /** A pool `request` does not fit in now, with `setAside` reserved (slots last), or undefined. */
  #shortOf(request: ResourceRequest, setAside: ResourceRequest | undefined): PoolName | undefined {
    const pools = this.#pools;
    if (this.#usedCores + request.cores + (setAside?.cores ?? 0) > pools.cores) return 'cores';
    if (this.#usedMemory + request.memoryBytes + (setAside?.memoryBytes ?? 0) > pools.memoryBytes) return 'memory';
    if (pools.licenses !== null) {
      for (const [name, count] of Object.entries(request.licenses)) {
        if (count === 0) continue;
        const cap = Object.hasOwn(pools.licenses, name) ? (pools.licenses[name] ?? 0) : 0;
        const aside = setAside === undefined ? 0 : (setAside.licenses[name] ?? 0);
        if ((this.#usedLicenses.get(name) ?? 0) + count + aside > cap) return `license:${name}`;
      }
    }
    // Slots last: when they are full every job waits for one, and the other pools say more.
    if (this.#usedSlots + 1 + (setAside === undefined ? 0 : 1) > pools.slots) return 'slots';
    return undefined;
  }
}
