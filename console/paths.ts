// Job paths for people: array instances that differ only in their index are folded into one
// brace form (`top.regress.seed_{3,7,12..15}`), so 37 failed seeds read as one line.

const INDEXED = /^(.*_)(\d+)$/;

/** Range parts shown in one brace before it is cut short: 5,000 failed seeds stay one short line. */
const MAX_PARTS = 16;

const ranges = (numbers: readonly number[]): string => {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j += 1;
    parts.push(j - i >= 2 ? `${sorted[i]}..${sorted[j]}` : sorted.slice(i, j + 1).join(','));
    i = j + 1;
  }
  return parts.length <= MAX_PARTS ? parts.join(',') : `${parts.slice(0, MAX_PARTS).join(',')},…`;
};

/** Paths with a common `prefix_N` folded together, in the order each prefix first appears. */
export const foldPaths = (paths: readonly string[]): string[] => {
  const groups = new Map<string, number[]>();
  const order: string[] = [];
  for (const path of paths) {
    const match = INDEXED.exec(path);
    const key = match === null ? `\u0000${path}` : (match[1] as string);
    let group = groups.get(key);
    if (group === undefined) {
      groups.set(key, (group = []));
      order.push(key);
    }
    if (match !== null) group.push(Number(match[2]));
  }
  return order.map((key) => {
    if (key.startsWith('\u0000')) return key.slice(1);
    const numbers = groups.get(key) ?? [];
    if (numbers.length === 1) return `${key}${numbers[0]}`;
    const folded = ranges(numbers);
    return folded.endsWith('…') ? `${key}{${folded}} (${numbers.length})` : `${key}{${folded}}`;
  });
};

/** At most `limit` items, then `… and N more`. */
export const elide = (items: readonly string[], limit: number): string[] =>
  items.length <= limit ? [...items] : [...items.slice(0, limit), `… and ${items.length - limit} more`];
