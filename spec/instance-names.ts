// How a `!JobArray` names its instances. Child `X` of an array runs once per instance, named
// `X_<suffix>`:
//   - repeats only: the index, `X_0 … X_{n-1}` (Gator's naming);
//   - parameters: the values in the order the parameters are written, joined by `_`, then
//     `_<repeat>` when repeats > 1: `sim_smoke_fast`, or `sim_smoke_fast_0 … sim_smoke_fast_3`.
// A value keeps letters, digits and `_ + - = , : @ %`; any other character becomes `-` (an
// ident cannot hold `.`, `/` or spaces, and globs read `*` and `?`). A name thus depends only
// on its own values and repeat, so adding a value elsewhere never renames an instance.
import type { ParameterSpec } from './model.js';

export interface ArrayInstance {
  /** The instance's position in the array (`GATOR_ARRAY_INDEX`). */
  readonly index: number;
  readonly suffix: string;
  /** The parameter values of this instance, or null for an array without parameters. */
  readonly params: Readonly<Record<string, string>> | null;
}

const UNSAFE = /[^A-Za-z0-9_+\-=,:@%]/g;

export function nameValue(value: string): string {
  const safe = value.replace(UNSAFE, '-');
  return safe === '' ? '-' : safe;
}

/** The number of instances: the product of the parameters' value counts, times repeats. */
export function instanceCount(parameters: readonly ParameterSpec[] | undefined, repeats: number): number {
  let n = repeats;
  for (const p of parameters ?? []) n *= p.values.length;
  return n;
}

/**
 * Every instance of an array in order: the first parameter varies slowest, the repeat fastest.
 * Each combination's `params` object is shared by its repeats.
 */
export function arrayInstances(parameters: readonly ParameterSpec[] | undefined, repeats: number): ArrayInstance[] {
  if (parameters === undefined || parameters.length === 0) {
    const out = new Array<ArrayInstance>(repeats);
    for (let i = 0; i < repeats; i++) out[i] = { index: i, suffix: String(i), params: null };
    return out;
  }
  const out: ArrayInstance[] = [];
  const counts = parameters.map((p) => p.values.length);
  const combos = counts.reduce((a, b) => a * b, 1);
  const picks = new Array<number>(parameters.length).fill(0);
  for (let c = 0; c < combos; c++) {
    // Decode combination c with the last parameter varying fastest.
    let rest = c;
    for (let k = parameters.length - 1; k >= 0; k--) {
      const n = counts[k] ?? 1;
      picks[k] = rest % n;
      rest = Math.floor(rest / n);
    }
    const params: Record<string, string> = {};
    const parts: string[] = [];
    parameters.forEach((p, k) => {
      const value = p.values[picks[k] ?? 0] ?? '';
      // defineProperty: a parameter may be called `__proto__`, and it must stay plain data.
      Object.defineProperty(params, p.name, { value, enumerable: true, writable: true, configurable: true });
      parts.push(nameValue(value));
    });
    Object.freeze(params);
    const base = parts.join('_');
    for (let r = 0; r < repeats; r++) {
      out.push({ index: out.length, suffix: repeats > 1 ? `${base}_${r}` : base, params });
    }
  }
  return out;
}

/** The first two parameter combinations that get the same name, if any. */
export function nameClash(parameters: readonly ParameterSpec[]): { readonly name: string; readonly a: string; readonly b: string } | undefined {
  const seen = new Map<string, string>();
  for (const instance of arrayInstances(parameters, 1)) {
    const shown = Object.entries(instance.params ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const first = seen.get(instance.suffix);
    if (first !== undefined) return { name: instance.suffix, a: first, b: shown };
    seen.set(instance.suffix, shown);
  }
  return undefined;
}
