// `gator query [RUN] SQL`: SQL against the run database's public views, read-only, printed as
// an aligned table on a terminal, tab-separated when piped, or CSV / JSON / JSON Lines.
import { existsSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { openRun } from '../../storage/readers/open-run.js';
import { cellText, csvField, prepareUserQuery, type Cell } from '../../storage/readers/user-query.js';
import { describeViews } from '../../storage/readers/view-docs.js';
import { visible } from '../../console/visible.js';
import { UsageError, withUserErrors } from '../usage-error.js';
import { OutputSink } from '../output.js';

type Format = 'table' | 'tsv' | 'csv' | 'json' | 'jsonl';

interface QueryFlags {
  readonly format?: Format;
  readonly table?: boolean;
  readonly tsv?: boolean;
  readonly csv?: boolean;
  readonly json?: boolean;
  readonly jsonl?: boolean;
  readonly header: boolean;
  readonly schema: boolean;
}

/** Rows the table format looks at to size its columns before it starts printing. */
const TABLE_SAMPLE = 1000;

/** What JSON.stringify leaves raw but a terminal acts on: DEL, C1 and the bidirectional controls. */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const jsonString = (value: string): string => JSON.stringify(value).replace(JSON_UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);

const jsonValue = (cell: Cell): string => {
  if (cell === null) return 'null';
  if (typeof cell === 'bigint') return cell.toString();
  if (Buffer.isBuffer(cell)) return JSON.stringify(cell.toString('hex'));
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : 'null';
  return jsonString(cell);
};

// Tab-separated output keeps one row per line: tabs, newlines and backslashes are escaped.
const tsvField = (value: string): string => value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
// A table cell is one line too, with control characters shown rather than sent to the terminal.
const tableCell = (value: string): string => visible(value.replace(/\n/g, '\\n').replace(/\r/g, '\\r'), { tabs: 'space' });
const width = (value: string): number => [...value].length;

export function register(program: Command): void {
  program
    .command('query')
    .description(
      'run a read-only SQL query on a run database (its views: jobs, messages, attempts, samples, metrics, metric_values, metric_rollup, run, cluster_jobs)',
    )
    .argument('[run]', 'a tracking directory, a run.sqlite, or a tracking root (default: ./tracking/latest)')
    .argument('[sql]', 'one SELECT (or WITH / VALUES / reporting PRAGMA) statement')
    .option('--csv', 'comma-separated values with a header row (RFC 4180)')
    .option('--tsv', 'tab-separated values with a header row (the default when not on a terminal)')
    .option('--json', 'one JSON array of objects')
    .option('--jsonl', 'one JSON object per line')
    .option('--table', 'an aligned table (the default on a terminal)')
    .addOption(new Option('--format <format>', 'the same, by name').choices(['table', 'tsv', 'csv', 'json', 'jsonl']))
    .option('--no-header', 'leave out the header row (table, tsv, csv)')
    .option('--schema', 'print the views and their columns instead of running a query', false)
    .addHelpText(
      'after',
      [
        '',
        'With one argument it is the SQL and the run is ./tracking/latest. The database is opened read-only:',
        'statements that would write (INSERT, UPDATE, DELETE, CREATE, DROP, PRAGMA x=y …) and ATTACH are',
        'refused with exit code 2, as is SQL that does not compile. See docs/database.md for the views.',
        '',
        'Examples:',
        '  gator query "SELECT path, exit_code FROM jobs WHERE result = \'failure\'"',
        '  gator query tracking/latest --csv "SELECT severity, count(*) FROM messages GROUP BY severity"',
        '  gator query --schema',
      ].join('\n'),
    )
    .action(async (first: string | undefined, second: string | undefined, flags: QueryFlags) => {
      await withUserErrors(() => query(first, second, flags));
    });
}

const chooseFormat = (flags: QueryFlags): Format => {
  const chosen = (['table', 'tsv', 'csv', 'json', 'jsonl'] as const).filter((format) => flags[format] === true);
  if (flags.format !== undefined) chosen.push(flags.format);
  const distinct = [...new Set(chosen)];
  if (distinct.length > 1) throw new UsageError(`choose one output format, not ${distinct.map((f) => `--${f}`).join(' and ')}`);
  return distinct[0] ?? (process.stdout.isTTY === true ? 'table' : 'tsv');
};

async function query(first: string | undefined, second: string | undefined, flags: QueryFlags): Promise<void> {
  const format = chooseFormat(flags);
  let runArg: string | undefined;
  let sql: string | undefined;
  if (flags.schema) {
    if (second !== undefined) throw new UsageError('--schema takes only the run');
    runArg = first;
  } else {
    [runArg, sql] = second === undefined ? [undefined, first] : [first, second];
    // One argument is the SQL, unless it names a file or directory: then the SQL is missing.
    if (sql === undefined || (second === undefined && existsSync(sql))) {
      throw new UsageError('query: give the SQL to run (or --schema); see gator query --help');
    }
  }
  const run = openRun(runArg);
  const sink = new OutputSink();
  try {
    if (sql === undefined) {
      sink.add(schemaText(run.db));
    } else {
      const prepared = prepareUserQuery(run.db, sql);
      await writeRows(prepared.columns, prepared.rows(), format, flags.header, sink);
    }
  } finally {
    await sink.flush();
    run.close();
  }
}

function schemaText(db: Parameters<typeof describeViews>[0]): string {
  const lines: string[] = [];
  for (const view of describeViews(db)) {
    lines.push(`${view.name}: ${view.about}`);
    const nameWidth = Math.max(...view.columns.map((column) => column.name.length));
    for (const column of view.columns) lines.push(`  ${column.name.padEnd(nameWidth)}  ${column.about}`.trimEnd());
    lines.push('');
  }
  return lines.join('\n');
}

async function writeRows(columns: readonly string[], rows: IterableIterator<Cell[]>, format: Format, header: boolean, sink: OutputSink): Promise<void> {
  const emit = async (line: string): Promise<void> => {
    sink.add(line);
    if (sink.full) await sink.flush();
  };
  switch (format) {
    case 'csv':
    case 'tsv': {
      // What a job printed reaches a terminal only made visible; into a file or pipe it stays data.
      const shown = process.stdout.isTTY === true ? (value: string): string => visible(value) : (value: string): string => value;
      const field = format === 'csv' ? (value: string): string => csvField(shown(value)) : (value: string): string => shown(tsvField(value));
      const separator = format === 'csv' ? ',' : '\t';
      const end = format === 'csv' ? '\r\n' : '\n';
      if (header) await emit(columns.map(field).join(separator) + end);
      for (const row of rows) {
        await emit(row.map((cell) => field(cellText(cell))).join(separator) + end);
        if (sink.closed) return;
      }
      return;
    }
    case 'jsonl':
    case 'json': {
      const keys = columns.map((column) => jsonString(column));
      const object = (row: Cell[]): string => `{${row.map((cell, i) => `${keys[i]}:${jsonValue(cell)}`).join(',')}}`;
      if (format === 'jsonl') {
        for (const row of rows) {
          await emit(`${object(row)}\n`);
          if (sink.closed) return;
        }
        return;
      }
      let first = true;
      await emit('[');
      for (const row of rows) {
        await emit(`${first ? '\n' : ',\n'}${object(row)}`);
        first = false;
        if (sink.closed) return;
      }
      await emit(first ? ']\n' : '\n]\n');
      return;
    }
    case 'table':
      await writeTable(columns, rows, header, emit, sink);
  }
}

/** Sizes columns on the first rows, then streams: a huge result still starts at once. */
async function writeTable(
  columns: readonly string[],
  rows: IterableIterator<Cell[]>,
  header: boolean,
  emit: (line: string) => Promise<void>,
  sink: OutputSink,
): Promise<void> {
  const sample: Cell[][] = [];
  // next() rather than for…of: breaking out of for…of would close the statement.
  while (sample.length < TABLE_SAMPLE) {
    const next = rows.next();
    if (next.done === true) break;
    sample.push(next.value);
  }
  const numeric = columns.map(
    (_, i) => sample.length > 0 && sample.every((row) => row[i] === null || typeof row[i] === 'number' || typeof row[i] === 'bigint'),
  );
  const widths = columns.map((column, i) => Math.max(header ? width(column) : 0, ...sample.map((row) => width(tableCell(cellText(row[i] ?? null))))));
  const line = (cells: readonly string[]): string =>
    `${cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()}\n`;
  if (header) {
    await emit(line([...columns]));
    await emit(line(widths.map((w) => '─'.repeat(w))));
  }
  let count = 0;
  const print = async (row: Cell[]): Promise<void> => {
    count++;
    await emit(line(row.map((cell) => tableCell(cellText(cell)))));
  };
  for (const row of sample) await print(row);
  for (const row of rows) {
    await print(row);
    if (sink.closed) return;
  }
  if (header) await emit(`(${count} row${count === 1 ? '' : 's'})\n`);
}
