// The job tree as the run page scrolls it: children are fetched a page at a time and only for
// what is in view; expanded nodes are laid out as segments, so finding row i is a binary
// search whatever the size of the tree.
import type { ChildrenPage, TreeNode } from '../../protocol.js';

export const PAGE = 200;
const ROOT = 'root';

interface Children {
  total: number;
  readonly pages: Map<number, TreeNode[]>;
  readonly loading: Set<number>;
}

interface Segment {
  readonly key: string;
  readonly from: number;
  readonly to: number;
  readonly depth: number;
  readonly start: number;
}

export interface TreeRow {
  readonly depth: number;
  readonly node: TreeNode | undefined;
}

export class TreeModel {
  readonly #children = new Map<string, Children>();
  /** Where each loaded node sits: its parent's key and its position among the children. */
  readonly #where = new Map<number, { key: string; position: number }>();
  readonly #expanded = new Set<number>();
  #segments: Segment[] = [];
  #rows = 0;

  constructor(
    readonly fetchPage: (parent: number | null, offset: number, limit: number) => Promise<ChildrenPage>,
    readonly changed: () => void,
    /** Expand a freshly loaded group on its own (small trees open fully). */
    readonly autoExpand: (node: TreeNode, depth: number) => boolean,
  ) {}

  get rows(): number {
    return this.#rows;
  }

  isExpanded(id: number): boolean {
    return this.#expanded.has(id);
  }

  async load(key: string, page: number, depth: number): Promise<void> {
    let children = this.#children.get(key);
    if (children === undefined) {
      children = { total: 0, pages: new Map(), loading: new Set() };
      this.#children.set(key, children);
    }
    if (children.pages.has(page) || children.loading.has(page)) return;
    children.loading.add(page);
    try {
      const result = await this.fetchPage(key === ROOT ? null : Number(key), page * PAGE, PAGE);
      children.total = result.total;
      children.pages.set(page, [...result.nodes]);
      result.nodes.forEach((node, i) => this.#where.set(node.id, { key, position: page * PAGE + i }));
      const opened: Promise<void>[] = [];
      for (const node of result.nodes) {
        if (node.kind !== 'job' && !this.#expanded.has(node.id) && this.autoExpand(node, depth)) {
          this.#expanded.add(node.id);
          opened.push(this.load(String(node.id), 0, depth + 1));
        }
      }
      this.#layout();
      this.changed();
      await Promise.all(opened);
    } finally {
      children.loading.delete(page);
    }
  }

  start(): Promise<void> {
    return this.load(ROOT, 0, 0);
  }

  toggle(node: TreeNode, depth: number): void {
    if (node.kind === 'job') return;
    if (this.#expanded.has(node.id)) this.#expanded.delete(node.id);
    else {
      this.#expanded.add(node.id);
      void this.load(String(node.id), 0, depth + 1);
    }
    this.#layout();
    this.changed();
  }

  #layout(): void {
    const segments: Segment[] = [];
    let row = 0;
    const walk = (key: string, depth: number): void => {
      const children = this.#children.get(key);
      if (children === undefined) return;
      const open: [number, number][] = [];
      for (const id of this.#expanded) {
        const where = this.#where.get(id);
        if (where !== undefined && where.key === key) open.push([where.position, id]);
      }
      open.sort((a, b) => a[0] - b[0]);
      let from = 0;
      for (const [position, id] of open) {
        segments.push({ key, from, to: position + 1, depth, start: row });
        row += position + 1 - from;
        walk(String(id), depth + 1);
        from = position + 1;
      }
      segments.push({ key, from, to: children.total, depth, start: row });
      row += Math.max(0, children.total - from);
    };
    walk(ROOT, 0);
    this.#segments = segments;
    this.#rows = row;
  }

  #segmentOf(row: number): Segment | undefined {
    let lo = 0;
    let hi = this.#segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((this.#segments[mid] as Segment).start <= row) lo = mid;
      else hi = mid - 1;
    }
    return this.#segments[lo];
  }

  row(index: number): TreeRow {
    const segment = this.#segmentOf(index);
    if (segment === undefined) return { depth: 0, node: undefined };
    const position = segment.from + index - segment.start;
    const node = this.#children.get(segment.key)?.pages.get(Math.floor(position / PAGE))?.[position % PAGE];
    return { depth: segment.depth, node };
  }

  /** Fetches the pages the rows in view need. */
  ensure(first: number, last: number): void {
    for (let index = first; index < last; index++) {
      const segment = this.#segmentOf(index);
      if (segment === undefined) return;
      const position = segment.from + index - segment.start;
      const page = Math.floor(position / PAGE);
      const children = this.#children.get(segment.key);
      if (children !== undefined && !children.pages.has(page)) void this.load(segment.key, page, segment.depth);
    }
  }

  /** Live rows from the stream: replaces what is loaded. */
  update(nodes: readonly TreeNode[]): void {
    let any = false;
    for (const node of nodes) {
      const where = this.#where.get(node.id);
      if (where === undefined) continue;
      const page = this.#children.get(where.key)?.pages.get(Math.floor(where.position / PAGE));
      if (page === undefined) continue;
      page[where.position % PAGE] = node;
      any = true;
    }
    if (any) this.changed();
  }

  /** Forget loaded rows (the stream could not say what changed); the shape stays. */
  reset(): void {
    for (const children of this.#children.values()) children.pages.clear();
    void this.load(ROOT, 0, 0);
    for (const id of this.#expanded) {
      const where = this.#where.get(id);
      if (where !== undefined) void this.load(String(id), 0, 1);
    }
  }
}
