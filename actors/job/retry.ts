// Whether a failed attempt of a job is run again: `retries:` attempts at most, and only for the
// failures `retry_on:` names (by default a signal or a timeout: what a busy machine or a lost
// licence does to a healthy test, not what a broken one does).
import type { RetryPolicy, RetryRule } from '../../spec/index.js';
import type { FailureKind } from '../../vocabulary/codes.js';

/** How one attempt ended, as far as retrying is concerned. */
export interface AttemptEnd {
  readonly failure: FailureKind;
  readonly exitCode: number | null;
  /** A line of the attempt matched one of the policy's output patterns (see OutputWatch). */
  readonly outputMatched: boolean;
}

/** Failures that say nothing about the job itself, and so are never retried. */
const NEVER: ReadonlySet<FailureKind> = new Set<FailureKind>(['interrupted', 'internal', 'cut-off', 'child']);

const matches = (rule: RetryRule, end: AttemptEnd): boolean => {
  switch (rule.kind) {
    case 'any':
      return true;
    case 'timeout':
      return end.failure === 'timeout';
    case 'signal':
      return end.failure === 'signal';
    case 'exit':
      return end.failure === 'exit' && end.exitCode !== null && end.exitCode !== 0 && (rule.code === null || rule.code === end.exitCode);
    case 'output':
      return end.outputMatched;
  }
};

/** The rule that makes `attempt` (1-based) worth another try, or undefined: no retry. */
export function retryReason(policy: RetryPolicy, attempt: number, end: AttemptEnd): RetryRule | undefined {
  if (attempt > policy.retries || NEVER.has(end.failure)) return undefined;
  return policy.on.find((rule) => matches(rule, end));
}

/**
 * Watches an attempt's lines for the policy's output patterns. Built once per policy object
 * (they are shared by every job with the same settings); a policy without output rules costs
 * nothing per line.
 */
export class OutputWatch {
  readonly #patterns: readonly RegExp[];
  matched = false;

  private constructor(patterns: readonly RegExp[]) {
    this.#patterns = patterns;
  }

  static #compiled = new WeakMap<RetryPolicy, readonly RegExp[]>();

  /** null when no rule looks at output, or no retry is allowed. */
  static for(policy: RetryPolicy): OutputWatch | null {
    if (policy.retries === 0) return null;
    let patterns = OutputWatch.#compiled.get(policy);
    if (patterns === undefined) {
      patterns = policy.on.flatMap((rule) => (rule.kind === 'output' ? [new RegExp(rule.pattern, rule.flags)] : []));
      OutputWatch.#compiled.set(policy, patterns);
    }
    return patterns.length === 0 ? null : new OutputWatch(patterns);
  }

  line(text: string): void {
    if (this.matched) return;
    for (const pattern of this.#patterns) {
      if (pattern.test(text)) {
        this.matched = true;
        return;
      }
    }
  }

  /** A new attempt starts with nothing seen. */
  reset(): void {
    this.matched = false;
  }
}
