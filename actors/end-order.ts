// Puts the ends of nodes back in order for the console. Events reach the run actor from
// several job threads, each batching for up to 20 ms, so a group's end (sent by the thread of
// the group) can arrive before the end of its last job (batched on another thread). A group's
// end is held until every leaf job below it has settled; a job's end and a pruned subtree's end
// settle jobs and are never held.
import type { NodeEnded } from './events.js';

export class EndOrder {
  /** Fenwick tree over node ids: leaf jobs settled at each id (a pruned subtree counts at its root). */
  readonly #settled: Float64Array;
  #held: NodeEnded[] = [];

  constructor(nodeCount: number) {
    this.#settled = new Float64Array(nodeCount + 1);
  }

  /** The ends to show now, in order: `node`, and any held group end it completes. */
  push(node: NodeEnded): readonly NodeEnded[] {
    if (node.jobs > 0) {
      this.#add(node.id, node.jobs);
      return this.#held.length === 0 ? [node] : [node, ...this.#release()];
    }
    if (this.#complete(node)) return [node];
    // Kept innermost first (pre-order ids: a descendant has a larger id), so a subgroup's end is
    // released before its parent's when one job completes both.
    this.#held.push(node);
    this.#held.sort((a, b) => b.id - a.id);
    return [];
  }

  /** Whatever is still held, innermost first: the run is ending (a crashed subtree never settles). */
  drain(): readonly NodeEnded[] {
    const held = this.#held;
    this.#held = [];
    return held;
  }

  #release(): NodeEnded[] {
    const ready: NodeEnded[] = [];
    // A released end may complete its parent's: repeat until nothing more is released.
    for (let found = true; found;) {
      found = false;
      for (let i = 0; i < this.#held.length; i++) {
        const node = this.#held[i]!;
        if (!this.#complete(node)) continue;
        this.#held.splice(i--, 1);
        ready.push(node);
        found = true;
      }
    }
    return ready;
  }

  /** Whether every leaf job below a group has settled. */
  #complete(node: NodeEnded): boolean {
    return this.#sum(node.subtreeEnd) - this.#sum(node.id) >= node.leaves;
  }

  #add(id: number, jobs: number): void {
    for (let i = id + 1; i < this.#settled.length; i += i & -i) this.#settled[i]! += jobs;
  }

  /** Jobs settled at ids 0..id. */
  #sum(id: number): number {
    let total = 0;
    for (let i = Math.min(id + 1, this.#settled.length - 1); i > 0; i -= i & -i) total += this.#settled[i]!;
    return total;
  }
}
