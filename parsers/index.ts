// Line classification, the layer under spec/ and actors/: the built-in tool log parsers, the
// user's patterns, and the classifier that applies both to a job's lines as they arrive. Pure
// (no I/O); spec/ uses it to check parser names and regular expressions, the job actor to give
// each line its severity.
export { BUILT_IN_PARSERS, PARSER_ALIASES, PARSER_NAMES, parserNamed } from './registry.js';
export { compilePattern, patternProblem } from './pattern.js';
export { DEFAULT_LINE_RULES, classifiesLines, type LineRules, type SeverityPattern } from './rules.js';
export { LineClassifier, type FailMatch, type OutputStream } from './line-classifier.js';
export { readTestResults, ResultsFormatError, type TestCaseResult, type TestOutcome } from './cocotb-results.js';
export { SEVERITY_NAMES, Severity, type SeverityLevel, type SeverityName } from './types.js';
export { UNRECOGNISED, type LineParser, type LineVerdict, type MetricSink, type ParserInfo } from './types.js';
