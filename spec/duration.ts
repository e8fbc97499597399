// Durations as people write them in specs and on the command line: `90s`, `30m`, `2h`,
// `1h30m`, `1.5h`, `500ms`, `2d`, or a bare number of seconds. One parser for `timeout:`,
// `group_timeout:` and `--timeout`, so a limit reads the same everywhere.

const UNIT_SECONDS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/** `<number><unit>` pieces, each unit at most once, largest first (`1h30m`, not `30m1h`). */
const PIECE = /(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h|d)/y;
const ORDER = ['d', 'h', 'm', 's', 'ms'];

export type DurationParse = { readonly ok: true; readonly seconds: number } | { readonly ok: false; readonly problem: string };

const HINT = 'write a duration such as 90s, 30m, 2h, 1h30m or a number of seconds';

/** Parses a duration; `0` is zero seconds (callers decide whether that means "no limit"). */
export function parseDuration(text: string): DurationParse {
  const t = text.trim();
  if (t === '') return { ok: false, problem: `empty duration: ${HINT}` };
  if (/^(\d+(?:\.\d+)?|\.\d+)$/.test(t)) return { ok: true, seconds: Number(t) };
  let seconds = 0;
  let at = 0;
  let lastOrder = -1;
  PIECE.lastIndex = 0;
  while (at < t.length) {
    PIECE.lastIndex = at;
    const m = PIECE.exec(t);
    if (m === null) return { ok: false, problem: `cannot read ${JSON.stringify(text)} as a duration: ${HINT}` };
    const unit = m[2] ?? 's';
    const order = ORDER.indexOf(unit);
    if (order <= lastOrder) {
      return { ok: false, problem: `cannot read ${JSON.stringify(text)} as a duration: give each unit once, largest first (1h30m)` };
    }
    lastOrder = order;
    seconds += Number(m[1]) * (UNIT_SECONDS[unit] ?? 1);
    at = PIECE.lastIndex;
    while (t[at] === ' ') at++;
  }
  if (!Number.isFinite(seconds)) return { ok: false, problem: `duration ${JSON.stringify(text)} is too large` };
  return { ok: true, seconds };
}
