// Icarus Verilog: the compiler's `file.v:17: error: ...`, `: warning:`, `: syntax error`,
// `: sorry:` (unsupported construct), and vvp's run-time severity tasks `ERROR: file.v:12: msg`
// (`$error`, which exits 0), `FATAL:`, `WARNING:`, `INFO:`, each followed by an indented
// `Time: ... Scope: ...` line (INFO). "N error(s) during elaboration." restates a count: INFO.
import { Severity, UNRECOGNISED, type LineParser, type LineVerdict, type ParserInfo } from '../types.js';

const RUNTIME = /^(INFO|WARNING|ERROR|FATAL): [^:\s]+:\d+: ?/;
const COMPILE = /^[^:\s]+:\d+: (warning|error|syntax error|sorry)\b/;
const SUMMARY = /^\d+ error\(s\) during elaboration\.$/;
const INDENTED = /^\s/;

const BY_NAME: Readonly<Record<string, LineVerdict>> = {
  INFO: Severity.INFO,
  WARNING: Severity.WARNING,
  ERROR: Severity.ERROR,
  FATAL: Severity.CRITICAL,
  warning: Severity.WARNING,
  error: Severity.ERROR,
  'syntax error': Severity.ERROR,
  sorry: Severity.ERROR,
};

class IcarusParser implements LineParser {
  #inMessage = false;

  line(text: string): LineVerdict {
    const m = RUNTIME.exec(text) ?? COMPILE.exec(text);
    if (m !== null) {
      this.#inMessage = true;
      return BY_NAME[m[1] ?? ''] ?? UNRECOGNISED;
    }
    if (this.#inMessage && INDENTED.test(text)) return Severity.INFO;
    this.#inMessage = false;
    return SUMMARY.test(text) ? Severity.INFO : UNRECOGNISED;
  }
}

export const icarus: ParserInfo = {
  name: 'icarus',
  summary: 'iverilog "file:N: error|warning|syntax error|sorry" and vvp "ERROR|FATAL|WARNING|INFO: file:N:" → ERROR/CRITICAL/WARNING/INFO',
  create: () => new IcarusParser(),
};
