// What a tool log parser is: a small state machine, one per stream of one job, that is shown
// every line as it arrives and says which severity the line has for its tool, or that the line
// is not one of the tool's. Pure: no I/O, no clock, no knowledge of jobs or storage.
import { SEVERITY_NAMES, Severity, type SeverityLevel, type SeverityName } from '../vocabulary/codes.js';

export { SEVERITY_NAMES, Severity, type SeverityLevel, type SeverityName };

/** A parser's answer for a line it does not recognise: the line keeps the severity it had. */
export const UNRECOGNISED = 0;
export type LineVerdict = SeverityLevel | typeof UNRECOGNISED;

/** Where a parser puts a number a line carries (a count, a simulated time): a metric of the job. */
export type MetricSink = (name: string, value: number) => void;

export interface LineParser {
  /** The line's severity for this tool, or UNRECOGNISED. Called once per line, in order. */
  line(text: string, metric: MetricSink): LineVerdict;
}

export interface ParserInfo {
  /** The name a spec gives in `parsers:`. */
  readonly name: string;
  /** One line for `--help` and the docs: what it recognises. */
  readonly summary: string;
  /** A fresh parser with its own state (one per stream of one job). */
  create(): LineParser;
}

/** For parsers without state between lines. */
export const stateless = (line: LineParser['line']): (() => LineParser) => {
  const parser: LineParser = { line };
  return () => parser;
};
