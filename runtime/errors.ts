// Errors are plain data when they cross threads; these helpers keep name, message and stack.

export interface ErrorInfo {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export const toErrorInfo = (error: unknown): ErrorInfo =>
  error instanceof Error
    ? { name: error.name, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }) }
    : { name: 'Error', message: String(error) };

/** A worker thread hosting actors stopped unexpectedly. */
export class HostCrashError extends Error {
  override readonly name = 'HostCrashError';
  constructor(
    readonly host: number,
    options?: { cause?: unknown },
  ) {
    super(`actor host ${host} stopped unexpectedly`, options);
  }
}

/** An actor kind was spawned that the host's catalog does not know. */
export class UnknownActorKindError extends Error {
  override readonly name = 'UnknownActorKindError';
  constructor(readonly kind: string) {
    super(`no actor kind '${kind}' in the catalog`);
  }
}

/** An actor asked for a host-local value (a thread's services) that no actor of the host provided. */
export class MissingHostLocalError extends Error {
  override readonly name = 'MissingHostLocalError';
  constructor(
    readonly key: string,
    readonly host: number,
  ) {
    super(`host ${host} has no '${key}': the actor that provides it must start first`);
  }
}
