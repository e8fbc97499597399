// The job tree's shape and every node's state and result, read cheaply enough to repeat after
// each commit of a live run: the shape once (it never changes after the run starts), the
// states as one string of two letters per node, so that what changed since the last read is a
// string comparison instead of a row per node through the driver. Per-group counts are kept
// up to date from the changes alone.
import type Database from 'better-sqlite3';
import type { NodeKindName, ResultName, StateName } from '../../vocabulary/codes.js';
import { shownJob, type RunStatus } from './liveness.js';
import { parseIntegers } from './packed-columns.js';

/** How a leaf job counts: the categories of the live counters. */
export type Category = 'pending' | 'running' | 'passed' | 'failed' | 'aborted' | 'cutOff' | 'unknown';
export const CATEGORIES: readonly Category[] = ['pending', 'running', 'passed', 'failed', 'aborted', 'cutOff', 'unknown'];
export type Counts = Record<Category, number> & { total: number };

export const emptyCounts = (): Counts => ({ total: 0, pending: 0, running: 0, passed: 0, failed: 0, aborted: 0, cutOff: 0, unknown: 0 });

/** Node kinds, parents and depths by position; node ids are pre-order, so positions follow them. */
export interface TreeShape {
  readonly ids: Int32Array;
  readonly parent: Int32Array;
  readonly kind: readonly NodeKindName[];
  /** Position of a node id, or undefined (ids are 0..n-1 in every run the writer makes; a map covers others). */
  positionOf(id: number): number | undefined;
  /** Children of the node at position p: childList[childStart[p] .. childStart[p + 1]), in id order. */
  readonly childStart: Int32Array;
  readonly childList: Int32Array;
}

/** The children index of a shape: a count per node, then a prefix sum, then a fill in id order. */
const childIndex = (parent: Int32Array): { childStart: Int32Array; childList: Int32Array } => {
  const count = parent.length;
  const childStart = new Int32Array(count + 1);
  for (let i = 0; i < count; i++) if ((parent[i] as number) >= 0) (childStart[(parent[i] as number) + 1] as number)++;
  for (let i = 0; i < count; i++) childStart[i + 1] = (childStart[i + 1] as number) + (childStart[i] as number);
  const fill = childStart.slice(0, count);
  const childList = new Int32Array(Math.max(0, childStart[count] as number));
  for (let i = 0; i < count; i++) {
    const p = parent[i] as number;
    if (p >= 0) childList[(fill[p] as number)++] = i;
  }
  return { childStart, childList };
};

/** Positions of the children of the node at `position`, in id order. */
export const childrenOf = (shape: TreeShape, position: number): Int32Array =>
  shape.childList.subarray(shape.childStart[position], shape.childStart[position + 1]);

/** Positions of the nodes without a parent (one root in every run the runner writes). */
export const rootsOf = (shape: TreeShape): number[] => {
  const roots: number[] = [];
  for (let i = 0; i < shape.parent.length; i++) if (shape.parent[i] === -1) roots.push(i);
  return roots;
};

const STATE_OF: Readonly<Record<string, StateName>> = { p: 'pending', l: 'launched', r: 'running', c: 'complete' };
const RESULT_OF: Readonly<Record<string, ResultName>> = { u: 'unknown', s: 'success', f: 'failure', a: 'aborted' };

/** Id → position: an array when ids are dense (they are, pre-order from 0), a map otherwise. */
const positionLookup = (ids: Int32Array): ((id: number) => number | undefined) => {
  const dense = ids.every((id, i) => id === i);
  if (dense) return (id) => (Number.isInteger(id) && id >= 0 && id < ids.length ? id : undefined);
  const map = new Map<number, number>();
  ids.forEach((id, i) => map.set(id, i));
  return (id) => map.get(id);
};

/** Reads the tree's shape: one row of packed columns, whatever the size of the run. */
export function readTreeShape(db: Database.Database): TreeShape {
  const row = db
    .prepare(
      `SELECT count(*), group_concat(id), group_concat(coalesce(parent_id, -1)), group_concat(substr(kind, 1, 1), '')
       FROM (SELECT id, parent_id, kind FROM jobs ORDER BY id)`,
    )
    .raw()
    .get() as [number, string | null, string | null, string | null];
  const count = row[0];
  if (count === 0) return { ids: new Int32Array(0), parent: new Int32Array(0), kind: [], positionOf: () => undefined, ...childIndex(new Int32Array(0)) };
  const ids = parseIntegers(row[1] as string, count);
  // A root's parent is -1, which parseIntegers does not read: map it by hand.
  const parents = (row[2] as string).split(',');
  const parent = new Int32Array(count);
  const positionOf = positionLookup(ids);
  for (let i = 0; i < count; i++) {
    const id = Number(parents[i]);
    parent[i] = id < 0 ? -1 : (positionOf(id) ?? -1);
  }
  const kinds = row[3] as string;
  const kind: NodeKindName[] = [];
  for (let i = 0; i < count; i++) kind.push(kinds[i] === 'j' ? 'job' : kinds[i] === 'g' ? 'group' : 'array');
  return { ids, parent, kind, positionOf, ...childIndex(parent) };
}

/** Every node's state and result, two letters per node in id order (`pu` pending, `cs` passed …). */
export function readStateLetters(db: Database.Database): string {
  return (
    (db.prepare(`SELECT group_concat(substr(state, 1, 1) || substr(result, 1, 1), '') FROM (SELECT state, result FROM jobs ORDER BY id)`).pluck().get() as
      string | null) ?? ''
  );
}

export const stateAt = (letters: string, position: number): { state: StateName; result: ResultName } => ({
  state: STATE_OF[letters[position * 2] as string] ?? 'pending',
  result: RESULT_OF[letters[position * 2 + 1] as string] ?? 'unknown',
});

export function categoryOf(job: { state: StateName; result: ResultName }, status: RunStatus): Category {
  const shown = shownJob(job, status);
  if (shown.result === 'cut-off') return 'cutOff';
  if (shown.result === 'success') return 'passed';
  if (shown.result === 'failure') return 'failed';
  if (shown.result === 'aborted') return 'aborted';
  if (shown.state === 'pending') return 'pending';
  if (shown.state === 'launched' || shown.state === 'running') return 'running';
  return 'unknown';
}

/**
 * Leaf counts for every node's subtree (a job counts itself), kept current from state changes.
 * A change of one leaf touches only its ancestors.
 */
export class TreeCounts {
  readonly #shape: TreeShape;
  /** One column of counts per category, a row per node: 28 bytes a node. */
  readonly #counts: Record<Category, Int32Array>;
  readonly #totals: Int32Array;
  #letters = '';
  #status: RunStatus;

  constructor(shape: TreeShape, letters: string, status: RunStatus) {
    this.#shape = shape;
    this.#status = status;
    const n = shape.ids.length;
    this.#counts = Object.fromEntries(CATEGORIES.map((category) => [category, new Int32Array(n)])) as Record<Category, Int32Array>;
    this.#totals = new Int32Array(n);
    this.#letters = letters;
    for (let i = 0; i < n; i++) if (shape.kind[i] === 'job') this.#add(i, categoryOf(stateAt(letters, i), status), 1);
  }

  get letters(): string {
    return this.#letters;
  }

  #add(position: number, category: Category, sign: 1 | -1): void {
    const column = this.#counts[category];
    for (let p = position; p >= 0; p = this.#shape.parent[p] as number) {
      (column[p] as number) += sign;
      (this.#totals[p] as number) += sign;
    }
  }

  /**
   * Takes a new reading (and the run's status, which decides what a running job counts as);
   * returns the positions of the nodes whose state or result changed.
   */
  update(letters: string, status: RunStatus): number[] {
    const changed: number[] = [];
    const old = this.#letters;
    const recounted = status !== this.#status;
    if (recounted) {
      // Every unfinished leaf may count differently now (running → cut off): recount them all,
      // new letters and new status together.
      for (let i = 0; i < this.#shape.ids.length; i++) {
        if (this.#shape.kind[i] !== 'job') continue;
        const before = categoryOf(stateAt(old, i), this.#status);
        const after = categoryOf(stateAt(letters, i), status);
        if (before !== after) {
          this.#add(i, before, -1);
          this.#add(i, after, 1);
          // Shown differently with the same letters (running → cut off): a change all the same.
          if (letters.charCodeAt(2 * i) === old.charCodeAt(2 * i) && letters.charCodeAt(2 * i + 1) === old.charCodeAt(2 * i + 1)) changed.push(i);
        }
      }
      this.#status = status;
    }
    if (letters !== old) {
      const length = Math.min(letters.length, old.length);
      for (let i = 0; i < length; i += 2) {
        if (letters.charCodeAt(i) === old.charCodeAt(i) && letters.charCodeAt(i + 1) === old.charCodeAt(i + 1)) continue;
        const position = i / 2;
        changed.push(position);
        if (recounted || this.#shape.kind[position] !== 'job') continue;
        this.#add(position, categoryOf(stateAt(old, position), status), -1);
        this.#add(position, categoryOf(stateAt(letters, position), status), 1);
      }
    }
    this.#letters = letters;
    return changed.sort((a, b) => a - b);
  }

  /** Leaf counts of a node's subtree; for the root, of the whole run. */
  countsAt(position: number): Counts {
    const counts = emptyCounts();
    counts.total = this.#totals[position] ?? 0;
    for (const category of CATEGORIES) counts[category] = this.#counts[category][position] ?? 0;
    return counts;
  }

  /** Counts of the whole run (the root's subtree; every root, should there be several). */
  total(): Counts {
    const sum = emptyCounts();
    for (let i = 0; i < this.#shape.ids.length; i++) {
      if (this.#shape.parent[i] !== -1) continue;
      const counts = this.countsAt(i);
      sum.total += counts.total;
      for (const category of CATEGORIES) sum[category] += counts[category];
    }
    return sum;
  }
}

/** Leaf counts of the whole run in one grouped read, for a run whose tree nobody has opened. */
export function countLeaves(db: Database.Database, status: RunStatus): Counts {
  const rows = db.prepare("SELECT state, result, count(*) AS n FROM jobs WHERE kind = 'job' GROUP BY state, result").all() as {
    state: StateName;
    result: ResultName;
    n: number;
  }[];
  const counts = emptyCounts();
  for (const row of rows) {
    counts.total += row.n;
    counts[categoryOf(row, status)] += row.n;
  }
  return counts;
}
