// Why a job failed, in a few words: one wording for the live console, the end-of-run report
// and the exports, so a failure reads the same everywhere.
import type { FailureKind } from './schema.js';

export interface FailureFacts {
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- narrowed when the vocabulary is one module
  readonly failure: FailureKind | string | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Message counts, when known, for the `*-count` failures. */
  readonly errors?: number;
  readonly warnings?: number;
  readonly criticals?: number;
}

const overLimit = (count: number | undefined, severity: string): string =>
  count === undefined || count === 0 ? `${severity} lines over the limit` : `${count} ${severity} line${count === 1 ? '' : 's'} over the limit`;

export const describeFailure = (facts: FailureFacts): string => {
  switch (facts.failure) {
    case 'exit':
      return `exit code ${facts.exitCode ?? '?'}`;
    case 'signal':
      return `killed by ${facts.signal ?? 'a signal'}`;
    case 'error-count':
      return overLimit(facts.errors, 'ERROR');
    case 'warning-count':
      return overLimit(facts.warnings, 'WARNING');
    case 'critical-count':
      return overLimit(facts.criticals, 'CRITICAL');
    case 'spawn':
      return 'could not start';
    case 'interrupted':
      return 'interrupted';
    case 'cut-off':
      return 'cut off: the runner stopped before the job ended';
    case 'child':
      return 'a child failed';
    case 'internal':
      return 'internal error in the runner';
    default:
      if (facts.signal !== null) return `killed by ${facts.signal}`;
      if (facts.exitCode !== null && facts.exitCode !== 0) return `exit code ${facts.exitCode}`;
      return facts.failure ?? 'failed';
  }
};
