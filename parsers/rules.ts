// The line rules of one job, as plain data carried by the plan: which tool parsers read its
// output, its patterns, and what an unparsed stderr line is. Built by spec/ (inherited down the
// tree), applied by a LineClassifier in the job's thread.
import { Severity, type SeverityLevel } from './types.js';

export interface SeverityPattern {
  /** A regular expression (checked when the spec was read). */
  readonly match: string;
  readonly severity: SeverityLevel;
}

export interface LineRules {
  /** Built-in parser names, canonical (aliases resolved), in the order they are tried. */
  readonly parsers: readonly string[];
  /** The first line matching any of them fails the job. */
  readonly failPatterns: readonly string[];
  /** Each must match at least one line, or the job fails. */
  readonly passPatterns: readonly string[];
  /** Matching lines get this severity (INFO unless the spec says DEBUG): known harmless lines. */
  readonly ignorePatterns: readonly SeverityPattern[];
  /** The first matching pattern sets the line's severity. */
  readonly severityPatterns: readonly SeverityPattern[];
  /** The severity of a stderr line that no parser or pattern classifies. */
  readonly stderr: SeverityLevel;
}

export const DEFAULT_LINE_RULES: LineRules = Object.freeze({
  parsers: Object.freeze([]),
  failPatterns: Object.freeze([]),
  passPatterns: Object.freeze([]),
  ignorePatterns: Object.freeze([]),
  severityPatterns: Object.freeze([]),
  stderr: Severity.ERROR,
});

/** True when the rules do anything beyond stdout INFO and stderr at its severity. */
export const classifiesLines = (rules: LineRules): boolean =>
  rules.parsers.length + rules.failPatterns.length + rules.passPatterns.length + rules.ignorePatterns.length + rules.severityPatterns.length > 0;
