// User errors: what the user asked for cannot be done. Each is one line on stderr,
// `gator: <what>`, with exit code 2 and no stack trace.
import { RunExistsError } from '../storage/errors.js';
import { ReaderError } from '../storage/readers/errors.js';
import { ExitCode } from '../vocabulary/codes.js';

/** The command line asked for something impossible; printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Exit code of a usage or user error. */
export const USAGE_EXIT = ExitCode.usage;

/** Whether an error is the user's to fix (printed as one line) rather than a bug. */
export const isUserError = (error: unknown): error is Error => error instanceof UsageError || error instanceof ReaderError || error instanceof RunExistsError;

/**
 * Runs a command's action and turns user errors into `gator: <message>` and exit code 2;
 * anything else propagates to the CLI's internal-error handler.
 */
export async function withUserErrors(action: () => Promise<void> | void): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!isUserError(error)) throw error;
    process.stderr.write(`gator: ${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
    process.exitCode = USAGE_EXIT;
  }
}
