// Column helpers shared by the thread that reads chunks and the one that orders them: parsing
// packed integer columns, and the order of a chunk's rows by time.

/** Comma-separated non-negative integers, parsed without making a string of each. */
export const parseIntegers = (packed: string, count: number): Int32Array => {
  const out = new Int32Array(count);
  let value = 0;
  let n = 0;
  for (let i = 0; i < packed.length; i++) {
    const c = packed.charCodeAt(i);
    if (c === 44) {
      out[n++] = value;
      value = 0;
    } else value = value * 10 + (c - 48);
  }
  out[n] = value;
  return out;
};

/** Powers of ten a double holds exactly, so `mantissa / POW10[k]` is one correctly rounded step. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Comma-separated decimals (SQLite's text of REAL values), parsed without making a string of
 * each. A plain decimal whose digits form an integer below 2^53 is that exact integer
 * divided by an exact power of ten: one IEEE division, so exactly what `Number(text)` gives.
 * Anything else (more digits, an exponent, a sign) goes through `Number`.
 */
export const parseDecimals = (packed: string, count: number): Float64Array => {
  const out = new Float64Array(count);
  const length = packed.length;
  let i = 0;
  for (let n = 0; n < count; n++) {
    const start = i;
    let mantissa = 0;
    let places = 0;
    // charCodeAt past the end is NaN, which no comparison accepts.
    let c = packed.charCodeAt(i);
    while (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      c = packed.charCodeAt(++i);
    }
    if (c === 46) {
      c = packed.charCodeAt(++i);
      while (c >= 48 && c <= 57) {
        mantissa = mantissa * 10 + (c - 48);
        places++;
        c = packed.charCodeAt(++i);
      }
    }
    if ((c === 44 || i >= length) && i > start && mantissa < 2 ** 53 && places <= 22) {
      out[n] = mantissa / (POW10[places] as number);
    } else {
      const comma = packed.indexOf(',', i);
      i = comma < 0 ? length : comma;
      out[n] = Number(packed.slice(start, i));
    }
    i++;
  }
  return out;
};

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Stable order of positions by ts, or null when already in order. Rows arrive as interleaved
 * sorted runs (each job's batch), which comparison sorts handle poorly; an LSD radix sort on the
 * float's bits (which order like the values for ts ≥ 0) is exact, stable and linear, and skips
 * the 16-bit digits all rows share (the high bits of nearby times).
 */
export const sortedOrder = (ts: Float64Array): Uint32Array | null => {
  const n = ts.length;
  let sorted = true;
  let nonNegative = true;
  for (let i = 0; i < n; i++) {
    const t = ts[i] as number;
    if (!(t > 0) && !(t === 0 && 1 / t > 0)) nonNegative = false;
    if (i > 0 && t < (ts[i - 1] as number)) sorted = false;
  }
  if (sorted) return null;
  if (!nonNegative) {
    // Negative, -0 or NaN times never come from the runner; sort them the slow, general way.
    return Uint32Array.from(Array.from({ length: n }, (_, i) => i).sort((a, b) => (ts[a] as number) - (ts[b] as number) || a - b));
  }
  const words = new Uint32Array(ts.buffer, ts.byteOffset, n * 2);
  const lo = LITTLE_ENDIAN ? 0 : 1;
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let spare = new Uint32Array(n);
  const counts = new Uint32Array(65_536);
  // Least significant digit first: low word's low half, low word's high half, then the high word.
  for (const [word, shift] of [
    [lo, 0],
    [lo, 16],
    [1 - lo, 0],
    [1 - lo, 16],
  ] as const) {
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const digit = ((words[2 * i + word] as number) >>> shift) & 0xffff;
      counts[digit] = (counts[digit] as number) + 1;
    }
    if (counts[((words[word] as number) >>> shift) & 0xffff] === n) continue;
    let sum = 0;
    for (let d = 0; d < 65_536; d++) {
      const c = counts[d] as number;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const from = order[i] as number;
      const digit = ((words[2 * from + word] as number) >>> shift) & 0xffff;
      spare[counts[digit] as number] = from;
      counts[digit] = (counts[digit] as number) + 1;
    }
    [order, spare] = [spare, order];
  }
  return order;
};
