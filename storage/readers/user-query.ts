// `gator query`: a user's SQL against the run database, refused before it runs unless it only
// reads. The connection is read-only and `query_only` already, so this is about one clear error
// line instead of an SQLite one, and about ATTACH, which SQLite counts as read-only.
import type Database from 'better-sqlite3';
import { QueryFailedError, QueryRefusedError, sqliteMessage } from './errors.js';

export type Cell = number | bigint | string | Buffer | null;

/** A cell as text, as `gator query` prints it and the hub shows it: NULL empty, a blob as an SQL hex literal. */
export const cellText = (cell: Cell): string => {
  if (cell === null) return '';
  if (Buffer.isBuffer(cell)) return `x'${cell.toString('hex')}'`;
  return String(cell);
};

/** One CSV field (RFC 4180): quoted when it holds a quote, a comma or a line break. */
export const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

export interface PreparedQuery {
  readonly columns: readonly string[];
  /** Rows as arrays, in the statement's order, streamed. */
  rows(): IterableIterator<Cell[]>;
}

/** PRAGMAs that only report, in their function-call form (`PRAGMA table_info(jobs)`). */
const REPORTING_PRAGMAS = new Set([
  'table_info',
  'table_xinfo',
  'table_list',
  'index_list',
  'index_info',
  'index_xinfo',
  'foreign_key_list',
  'database_list',
  'collation_list',
  'function_list',
  'module_list',
  'pragma_list',
  'compile_options',
]);

/** The statement with leading comments and whitespace removed. */
const stripLeading = (sql: string): string => {
  let rest = sql;
  for (;;) {
    const trimmed = rest.replace(/^\s+/, '');
    if (trimmed.startsWith('--')) {
      const end = trimmed.indexOf('\n');
      rest = end < 0 ? '' : trimmed.slice(end + 1);
    } else if (trimmed.startsWith('/*')) {
      const end = trimmed.indexOf('*/');
      rest = end < 0 ? '' : trimmed.slice(end + 2);
    } else return trimmed;
  }
};

const refuseByKeyword = (sql: string): void => {
  const head = stripLeading(sql);
  const keyword = (head.match(/^[a-z_]+/i)?.[0] ?? '').toUpperCase();
  if (keyword === 'ATTACH' || keyword === 'DETACH') throw new QueryRefusedError(`query refused: ${keyword} is not allowed; gator query reads one run database`);
  if (keyword === 'PRAGMA') {
    const pragma = head.match(/^pragma\s+(?:[a-z_]+\s*\.\s*)?([a-z_]+)\s*(.*)$/is);
    const name = (pragma?.[1] ?? '').toLowerCase();
    const rest = (pragma?.[2] ?? '').trim().replace(/;$/, '').trim();
    if (rest.startsWith('=') || (rest.startsWith('(') && !REPORTING_PRAGMAS.has(name))) {
      throw new QueryRefusedError(`query refused: PRAGMA ${name} with a value could change the database; gator query only reads`);
    }
  }
};

/** Compiles the user's statement and checks that it only reads and returns rows. */
export function prepareUserQuery(db: Database.Database, sql: string): PreparedQuery {
  if (stripLeading(sql) === '') throw new QueryRefusedError('query refused: the statement is empty');
  refuseByKeyword(sql);
  let statement: Database.Statement;
  try {
    statement = db.prepare(sql);
  } catch (error) {
    throw new QueryFailedError(`query failed: ${sqliteMessage(error)}`, { cause: error });
  }
  if (!statement.readonly) throw new QueryRefusedError('query refused: the statement would change the database; gator query only reads');
  if (!statement.reader) throw new QueryRefusedError('query refused: the statement returns no rows (use SELECT, WITH, VALUES or a reporting PRAGMA)');
  const columns = statement.columns().map((column) => column.name);
  statement.raw(true);
  return {
    columns,
    rows: () => {
      const iterator = statement.iterate() as IterableIterator<Cell[]>;
      // Errors while stepping (a bad function argument, say) become one line too.
      return {
        [Symbol.iterator]() {
          return this;
        },
        next() {
          try {
            return iterator.next();
          } catch (error) {
            throw new QueryFailedError(`query failed: ${sqliteMessage(error)}`, { cause: error });
          }
        },
        return(value?: unknown) {
          return iterator.return?.(value) ?? { done: true, value: undefined };
        },
      } as IterableIterator<Cell[]>;
    },
  };
}
