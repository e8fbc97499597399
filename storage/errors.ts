/** The run database could not be created, written or closed. */
export class RunDatabaseError extends Error {
  override readonly name = 'RunDatabaseError';
  constructor(
    readonly dbPath: string,
    what: string,
    options?: { cause?: unknown },
  ) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`${dbPath}: ${what}${reason}`, options);
  }
}
