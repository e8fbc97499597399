// Seeds: one run seed, and for every job a 32-bit seed derived from the run seed and the
// job's path alone, so the same run seed gives every job the same seed on any machine, in any
// order, in a rerun, and a job's seed does not move when other jobs are added or removed.
//
// The derivation, for anyone who wants to reproduce it outside Gator: FNV-1a (32-bit) over the
// UTF-8 bytes of `<run seed in decimal>/<job path>`, then MurmurHash3's 32-bit finaliser
// (fmix32) to spread the bits; a result of 0 becomes 1, because simulators read seed 0 as
// "pick one at random" (Verilator's +verilator+seed+0) and the run would not repeat.
import { randomInt } from 'node:crypto';

export const MAX_SEED = 0xffff_ffff;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnv1a(text: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      h = Math.imul(h ^ c, FNV_PRIME);
    } else {
      // Rare in paths: hash the UTF-8 bytes of the rest, so the result is defined by bytes.
      for (const byte of Buffer.from(text.slice(i), 'utf8')) h = Math.imul(h ^ byte, FNV_PRIME);
      break;
    }
  }
  return h >>> 0;
}

function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The seed of the job at `path` in a run with `runSeed`: 1 … 2^32-1. */
export function deriveSeed(runSeed: number, path: string): number {
  const h = fmix32(fnv1a(`${runSeed}/${path}`));
  return h === 0 ? 1 : h;
}

/** A fresh run seed, 1 … 2^32-1. */
export function randomRunSeed(): number {
  return randomInt(1, MAX_SEED + 1);
}

/** Why `n` cannot be a seed, or undefined. A run seed may be 0; a job's seed may not. */
export function seedProblem(n: number, what: 'run' | 'job'): string | undefined {
  const min = what === 'run' ? 0 : 1;
  if (!Number.isSafeInteger(n) || n < min || n > MAX_SEED) {
    return `a ${what === 'run' ? 'run ' : ''}seed is a whole number from ${min} to ${MAX_SEED}${what === 'job' ? ' (0 means "random" to simulators)' : ''}, not ${n}`;
  }
  return undefined;
}
