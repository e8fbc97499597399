// What can go wrong when reading a run database, as typed errors whose message is the one
// line a user sees after `gator: `.
import { runDatabaseVersionLine, shownPath } from '../../vocabulary/wording.js';

/** Base of every reader error: the message is complete and fit to print as is. */
export class ReaderError extends Error {
  override readonly name: string = 'ReaderError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The RUN argument names nothing that holds a run database. */
export class RunNotFoundError extends ReaderError {
  override readonly name = 'RunNotFoundError';
  constructor(
    readonly where: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`no run found at ${where}: ${detail}`, options);
  }
}

/** The file exists but is not a Gator run database (or is one this version cannot read). */
export class NotARunDatabaseError extends ReaderError {
  override readonly name = 'NotARunDatabaseError';
  constructor(
    readonly dbPath: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${dbPath} is not a readable Gator run database: ${detail}`, options);
  }
}

/**
 * The file is a Gator run database, written by a gator of another schema version (older: a lower
 * `user_version`, or the same one without views added since; newer: a higher one).
 */
export class RunDatabaseVersionError extends ReaderError {
  override readonly name = 'RunDatabaseVersionError';
  constructor(
    readonly dbPath: string,
    readonly written: number,
    readonly reads: number,
    readonly missingViews: readonly string[] = [],
  ) {
    super(runDatabaseVersionLine(shownPath(dbPath), written, reads, missingViews));
  }
}

/** A user's SQL statement was refused before it ran (it would write, attach, or is not a query). */
export class QueryRefusedError extends ReaderError {
  override readonly name = 'QueryRefusedError';
}

/** A user's SQL statement failed to compile or to run. */
export class QueryFailedError extends ReaderError {
  override readonly name = 'QueryFailedError';
}

/** A filter value (time, severity, regex, glob) could not be understood. */
export class FilterError extends ReaderError {
  override readonly name = 'FilterError';
}

/** The run cannot be rerun as asked (nothing selected, argv missing). */
export class RerunError extends ReaderError {
  override readonly name: string = 'RerunError';
}

/** `rerun --failed` on a run where nothing failed: not an error, the answer is "nothing". */
export class NothingToRerunError extends RerunError {
  override readonly name = 'NothingToRerunError';
}

/** One line for an unexpected SQLite error, without its stack. */
export const sqliteMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
