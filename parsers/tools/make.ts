// GNU make's own lines: a failed recipe (`make: *** [Makefile:3: all] Error 1`) is ERROR, its
// warnings WARNING, and `Entering/Leaving directory`, `Nothing to be done`, `is up to date`
// INFO, so they never count as errors when make's stderr is read.
import { Severity, UNRECOGNISED, stateless, type LineVerdict, type ParserInfo } from '../types.js';

const MAKE = /^g?make(?:\[\d+\])?: /;
const FAILED = /^g?make(?:\[\d+\])?: \*\*\* /;
const WARNING = /^g?make(?:\[\d+\])?: (?:warning|[^:]*: warning):/;

const line = (text: string): LineVerdict => {
  if (!MAKE.test(text)) return UNRECOGNISED;
  if (FAILED.test(text)) return Severity.ERROR;
  if (WARNING.test(text)) return Severity.WARNING;
  return Severity.INFO;
};

export const make: ParserInfo = {
  name: 'make',
  summary: "make: *** ... Error N → ERROR, make warnings → WARNING, make's other lines (Entering directory, Nothing to be done) → INFO",
  create: stateless(line),
};
