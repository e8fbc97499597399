// Applies one job's line rules to its lines as they arrive: the tool parsers give a line its
// severity (every parser sees every line of its stream, so stateful ones such as the Python
// traceback keep track; the first in spec order that recognises the line wins), then
// severity_patterns, then ignore_patterns (which win: they name known harmless lines); a line
// matching a fail pattern is at least ERROR and the first one fails the job; pass patterns are
// ticked off as they match. Pure: the caller stores lines and metrics.
import { compilePattern } from './pattern.js';
import { parserNamed } from './registry.js';
import type { LineRules } from './rules.js';
import { Severity, type LineParser, type MetricSink, type SeverityLevel } from './types.js';

interface Mapped {
  readonly re: RegExp;
  readonly severity: SeverityLevel;
}

export interface FailMatch {
  /** The line that matched, as stored. */
  readonly line: string;
  /** The pattern it matched. */
  readonly pattern: string;
}

/** Which output stream a line came from: the parsers keep separate state for each. */
export type OutputStream = 0 | 1;

export class LineClassifier {
  readonly #parsers: readonly [LineParser[], LineParser[]];
  readonly #severity: readonly Mapped[];
  readonly #ignore: readonly Mapped[];
  readonly #fail: readonly { readonly re: RegExp; readonly source: string }[];
  readonly #pass: { readonly re: RegExp; readonly source: string }[];
  readonly #metric: MetricSink;
  #failMatch: FailMatch | null = null;

  constructor(rules: LineRules, metric: MetricSink) {
    const make = (): LineParser[] =>
      rules.parsers.map((name) => {
        const info = parserNamed(name);
        if (info === undefined) throw new TypeError(`unknown parser ${JSON.stringify(name)} (the spec checks parser names)`);
        return info.create();
      });
    this.#parsers = [make(), make()];
    const mapped = (list: LineRules['severityPatterns']): Mapped[] => list.map((p) => ({ re: compilePattern(p.match), severity: p.severity }));
    this.#severity = mapped(rules.severityPatterns);
    this.#ignore = mapped(rules.ignorePatterns);
    this.#fail = rules.failPatterns.map((source) => ({ re: compilePattern(source), source }));
    this.#pass = rules.passPatterns.map((source) => ({ re: compilePattern(source), source }));
    this.#metric = metric;
  }

  /** The severity a stdout (0) or stderr (1) line is stored with; `base` is the stream's default. */
  output(stream: OutputStream, text: string, base: SeverityLevel): SeverityLevel {
    let severity = base;
    let parsed = false;
    for (const parser of this.#parsers[stream]) {
      const verdict = parser.line(text, this.#metric);
      if (verdict !== 0 && !parsed) {
        severity = verdict;
        parsed = true;
      }
    }
    return this.#patterns(text, severity);
  }

  /** The severity a message the job reported itself is stored with (patterns apply, parsers do not). */
  reported(text: string, severity: SeverityLevel): SeverityLevel {
    return this.#patterns(text, severity);
  }

  /** The first line that matched a fail pattern, if any. */
  get failMatch(): FailMatch | null {
    return this.#failMatch;
  }

  /** Pass patterns no line has matched yet, in spec order. */
  get missingPass(): readonly string[] {
    return this.#pass.map((p) => p.source);
  }

  #patterns(text: string, parsed: SeverityLevel): SeverityLevel {
    let severity = parsed;
    for (const p of this.#severity) {
      if (p.re.test(text)) {
        severity = p.severity;
        break;
      }
    }
    for (const p of this.#ignore) {
      if (p.re.test(text)) {
        severity = p.severity;
        break;
      }
    }
    for (const p of this.#fail) {
      if (p.re.test(text)) {
        this.#failMatch ??= { line: text, pattern: p.source };
        if (severity < Severity.ERROR) severity = Severity.ERROR;
        break;
      }
    }
    const pass = this.#pass;
    for (let i = pass.length - 1; i >= 0; i--) if (pass[i]!.re.test(text)) pass.splice(i, 1);
    return severity;
  }
}
