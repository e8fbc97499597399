// Collects every problem found while reading and checking a spec, so that the one reported
// is the first in document order rather than the first one a particular pass happened to
// reach (reading, sibling checks and cycle checks walk the tree differently).
import { SpecError } from './errors.js';
import type { SourcePos } from './model.js';

export class Problems {
  readonly #found: SpecError[] = [];

  add(pos: SourcePos, problem: string): undefined {
    this.#found.push(SpecError.at(pos, problem));
    return undefined;
  }

  get count(): number {
    return this.#found.length;
  }

  /** The earliest problem by line then column; ties go to the one found first. */
  first(): SpecError | undefined {
    let best: SpecError | undefined;
    for (const e of this.#found) {
      if (best === undefined || e.line < best.line || (e.line === best.line && e.col < best.col)) best = e;
    }
    return best;
  }

  throwFirst(): void {
    const e = this.first();
    if (e !== undefined) throw e;
  }
}
