// Errors of the run database writer.
import { basename, dirname } from 'node:path';

/** The run database could not be created, written or closed. */
export class RunDatabaseError extends Error {
  override readonly name: string = 'RunDatabaseError';
  constructor(
    readonly dbPath: string,
    what: string,
    options?: { cause?: unknown },
  ) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`${dbPath}: ${what}${reason}`, options);
  }
}

/** Another run already has this database path: the user's to fix (choose another directory). */
export class RunExistsError extends RunDatabaseError {
  override readonly name: string = 'RunExistsError';
  constructor(dbPath: string) {
    super(dbPath, 'already holds a run');
    this.message = `${dirname(dbPath)} already holds a run (${basename(dbPath)}); choose another --tracking directory`;
  }
}
