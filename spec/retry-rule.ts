// A `retry_on:` rule as text, both ways: `timeout`, `signal`, `any`, `exit`, `exit:<code>`,
// `output:<regex>` or `output:/<regex>/<flags>`. The spec reads it, the run database keeps it,
// and a rerun reads it back, so the text is lossless.
import type { RetryRule } from './model.js';

export const RETRY_RULE_HELP = 'timeout, signal, exit, exit:<code>, output:<regex> or any';
export const RETRY_WORDS = ['timeout', 'signal', 'exit', 'output', 'any'];

export type RuleParse = { readonly ok: true; readonly rule: RetryRule } | { readonly ok: false; readonly problem: string; readonly word: string };

export function parseExitCode(text: string): RuleParse {
  const code = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!(code >= 1 && code <= 255)) return { ok: false, problem: `exit:<code> needs an exit code from 1 to 255, not '${text}'`, word: 'exit' };
  return { ok: true, rule: { kind: 'exit', code } };
}

/** `License checkout failed`, or `/license .* failed/i` with flags. */
export function parseOutputPattern(text: string): RuleParse {
  let pattern = text;
  let flags = '';
  const slashed = /^\/(.*)\/([imsu]*)$/s.exec(text);
  if (slashed !== null) {
    pattern = slashed[1] ?? '';
    flags = slashed[2] ?? '';
  }
  if (pattern === '') return { ok: false, problem: 'output:<regex> needs a regular expression', word: 'output' };
  try {
    new RegExp(pattern, flags);
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error);
    return { ok: false, problem: `bad regular expression in output:${text}: ${reason}`, word: 'output' };
  }
  return { ok: true, rule: { kind: 'output', pattern, flags } };
}

export function parseRetryRule(text: string): RuleParse {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(':');
  const word = colon < 0 ? trimmed : trimmed.slice(0, colon);
  const rest = colon < 0 ? undefined : trimmed.slice(colon + 1);
  switch (word) {
    case 'timeout':
    case 'signal':
    case 'any':
      if (rest === undefined) return { ok: true, rule: { kind: word } };
      break;
    case 'exit':
      return rest === undefined ? { ok: true, rule: { kind: 'exit', code: null } } : parseExitCode(rest);
    case 'output':
      if (rest !== undefined) return parseOutputPattern(rest);
      break;
  }
  return { ok: false, problem: `unknown retry_on entry '${trimmed}'`, word };
}

/** The rule as the spec writes it; `parseRetryRule` reads it back to the same rule. */
export function describeRule(rule: RetryRule): string {
  switch (rule.kind) {
    case 'exit':
      return rule.code === null ? 'exit' : `exit:${rule.code}`;
    case 'output':
      return `output:${rule.flags === '' && !rule.pattern.startsWith('/') ? rule.pattern : `/${rule.pattern}/${rule.flags}`}`;
    default:
      return rule.kind;
  }
}
