// cocotb's log lines (`  100.00ns ERROR    cocotb.tb   message`, `-.--ns` before the
// simulation starts; TRACE is DEBUG). cocotb cannot set the simulator's exit code, so the job's
// verdict also reads its results.xml after the job ends (see ../cocotb-results.ts).
import { Severity, UNRECOGNISED, stateless, type LineVerdict, type ParserInfo } from '../types.js';

const LINE = /^\s*(?:-\.--ns|\d+(?:\.\d+)?ns) (TRACE|DEBUG|INFO|WARNING|ERROR|CRITICAL)\s/;

const LEVELS: Readonly<Record<string, LineVerdict>> = {
  TRACE: Severity.DEBUG,
  DEBUG: Severity.DEBUG,
  INFO: Severity.INFO,
  WARNING: Severity.WARNING,
  ERROR: Severity.ERROR,
  CRITICAL: Severity.CRITICAL,
};

const line = (text: string): LineVerdict => {
  const m = LINE.exec(text);
  return m === null ? UNRECOGNISED : (LEVELS[m[1] ?? ''] ?? UNRECOGNISED);
};

export const cocotb: ParserInfo = {
  name: 'cocotb',
  summary:
    "cocotb log levels → their severity; after the job, $COCOTB_RESULTS_FILE (default results.xml in the job's cwd) must exist, be written by this job, and list no failing test",
  create: stateless(line),
};
