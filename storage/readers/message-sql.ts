// The SQL behind replay: filters as WHERE clauses, the chunk plan (each chunk's smallest ts),
// chunks read as packed columns, and SQLite's own sort for the rare badly disordered rest.
import type Database from 'better-sqlite3';
import { SEVERITY_NAMES, Severity } from '../../vocabulary/codes.js';
import type { ChunkPlan, ChunkRanges, PackedChunk, RawRow, SqlFilter } from './message-types.js';
import { parseDecimals, parseIntegers, sortedOrder } from './packed-columns.js';

type Param = number | string;

/** The job and severity packed as one integer, computed by SQLite (see message-types). */
const KEY_SQL = `job_id * 8 + CASE severity ${SEVERITY_NAMES.map((name, i) => `WHEN '${name}' THEN ${i}`).join(' ')} ELSE 1 END`;
export const ROW_COLUMNS = `id, ts, ${KEY_SQL}, stream, text`;

export function whereOf(filter: SqlFilter): { sql: string; params: Param[] } {
  const clauses: string[] = [];
  const params: Param[] = [];
  if (filter.jobIds !== undefined) {
    clauses.push('job_id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(filter.jobIds));
  }
  if (filter.minSeverity !== undefined) {
    const min = Severity[filter.minSeverity];
    // The names are our own constants, so they can be written into the statement.
    clauses.push(
      `severity IN (${SEVERITY_NAMES.filter((name) => Severity[name] >= min)
        .map((name) => `'${name}'`)
        .join(', ')})`,
    );
  }
  if (filter.streams !== undefined) {
    clauses.push(`stream IN (${filter.streams.map(() => '?').join(', ')})`);
    params.push(...filter.streams);
  }
  if (filter.since !== undefined) {
    clauses.push('ts >= ?');
    params.push(filter.since);
  }
  if (filter.until !== undefined) {
    clauses.push('ts <= ?');
    params.push(filter.until);
  }
  return { sql: clauses.map((clause) => ` AND ${clause}`).join(''), params };
}

export const selectsNothing = (filter: SqlFilter): boolean =>
  (filter.jobIds !== undefined && filter.jobIds.length === 0) || (filter.streams !== undefined && filter.streams.length === 0);

/** The largest message id now in the run (0 when there is none). */
export function lastMessageId(db: Database.Database): number {
  return (db.prepare('SELECT id FROM messages ORDER BY id DESC LIMIT 1').pluck().get() as number | undefined) ?? 0;
}

const firstMessageId = (db: Database.Database): number => (db.prepare('SELECT id FROM messages ORDER BY id LIMIT 1').pluck().get() as number | undefined) ?? 0;

/** The id ranges a replay reads, in order. */
export function chunkRanges(db: Database.Database, filter: SqlFilter, upTo: number, chunkIds: number): ChunkRanges {
  const first = firstMessageId(db);
  const starts: number[] = [];
  const ends: number[] = [];
  if (upTo > 0 && first <= upTo && !selectsNothing(filter)) {
    for (let from = first; from <= upTo; from += chunkIds) {
      starts.push(from);
      ends.push(Math.min(from + chunkIds, upTo + 1));
    }
  }
  return { starts, ends };
}

/** Pass 1 of a replay: the smallest ts of each range and of all ranges after it. */
export function planChunks(db: Database.Database, filter: SqlFilter, ranges: ChunkRanges): ChunkPlan {
  const { starts, ends } = ranges;
  const where = whereOf(filter);
  const minOf = db.prepare(`SELECT min(ts) FROM messages WHERE id >= ? AND id < ?${where.sql}`).pluck();
  const suffixMin = new Float64Array(starts.length + 1).fill(Infinity);
  for (let k = starts.length - 1; k >= 0; k--) {
    const min = minOf.get(starts[k], ends[k], ...where.params) as number | null;
    suffixMin[k] = Math.min(min ?? Infinity, suffixMin[k + 1] as number);
  }
  return { starts, ends, suffixMin };
}

const countOf = (text: string, char: string): number => {
  let n = 0;
  for (let i = text.indexOf(char); i >= 0; i = text.indexOf(char, i + 1)) n++;
  return n;
};

/**
 * Reads id ranges as packed columns: better-sqlite3 costs about half a microsecond per row it
 * hands over, more than SQLite needs to read it, so one row of `group_concat` strings per chunk
 * is several times cheaper than a row per message. Times are parsed and ordered here, so that
 * on the worker thread that work overlaps the main thread's.
 */
export class ChunkSource {
  readonly #packed: Database.Statement;
  readonly #rows: Database.Statement;
  readonly #params: Param[];

  constructor(db: Database.Database, filter: SqlFilter, withStream: boolean) {
    const where = whereOf(filter);
    this.#params = where.params;
    // The subquery's ORDER BY id fixes the order the aggregates see (a rowid scan gives it free).
    this.#packed = db
      .prepare(
        `SELECT count(*), group_concat(ts), group_concat(k), group_concat(text, char(10))${withStream ? ', group_concat(stream)' : ''}
         FROM (SELECT ts, ${KEY_SQL} AS k, text, stream FROM messages WHERE id >= ? AND id < ?${where.sql} ORDER BY id)`,
      )
      .raw();
    this.#rows = db.prepare(`SELECT ${ROW_COLUMNS} FROM messages WHERE id >= ? AND id < ?${where.sql} ORDER BY id`).raw();
  }

  read(from: number, to: number): PackedChunk {
    const packed = this.#packed.get(from, to, ...this.#params) as [number, string | null, string | null, string | null, (string | null)?];
    const count = packed[0];
    if (count === 0) return { kind: 'rows', rows: [] };
    const texts = packed[3] as string;
    // A text with a newline in it would split in two: such a chunk goes row by row.
    if (countOf(texts, '\n') !== count - 1) return { kind: 'rows', rows: this.#rows.all(from, to, ...this.#params) as RawRow[] };
    const ts = parseDecimals(packed[1] as string, count);
    return {
      kind: 'packed',
      count,
      ts,
      key: parseIntegers(packed[2] as string, count),
      order: sortedOrder(ts),
      texts,
      streams: packed[4] ?? null,
    };
  }
}

/** The rows after a point in (ts, id) order, sorted by SQLite; see replayBatches. */
export function* sortedRowsFrom(db: Database.Database, filter: SqlFilter, last: number, upTo: number, unreadFrom: number): Generator<RawRow> {
  const where = whereOf(filter);
  const statement = db.prepare(`SELECT ${ROW_COLUMNS} FROM messages WHERE id <= ? AND (ts > ? OR (ts = ? AND id >= ?))${where.sql} ORDER BY ts, id`).raw();
  const after = Number.isFinite(last) ? last : -Number.MAX_VALUE;
  yield* statement.iterate(upTo, after, after, unreadFrom, ...where.params) as IterableIterator<RawRow>;
}

/** Up to `limit` rows with id > afterId, in id order. */
export function rowsAfter(db: Database.Database, afterId: number, filter: SqlFilter, limit: number): RawRow[] {
  const where = whereOf(filter);
  return db
    .prepare(`SELECT ${ROW_COLUMNS} FROM messages WHERE id > ?${where.sql} ORDER BY id LIMIT ?`)
    .raw()
    .all(afterId, ...where.params, limit) as RawRow[];
}
