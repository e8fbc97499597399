// Siemens Questa / ModelSim: `** Error: ...`, `** Error (suppressible): ...`, `** Fatal:`,
// `** Failure:` (VHDL), `** Warning:`, `** Note:`, `** Info:`, with or without the transcript's
// `# ` prefix. The closing `Errors: N, Warnings: M` restates counts: INFO, and the metrics
// questa_errors and questa_warnings.
import { Severity, UNRECOGNISED, stateless, type LineVerdict, type MetricSink, type ParserInfo } from '../types.js';

const MESSAGE = /^(?:# )?\*\* (Note|Info|Warning|Error|Fatal|Failure)(?: \(suppressible\))?:/;
const SUMMARY = /^(?:# )?Errors: (\d+), Warnings: (\d+)/;

const BY_NAME: Readonly<Record<string, LineVerdict>> = {
  Note: Severity.INFO,
  Info: Severity.INFO,
  Warning: Severity.WARNING,
  Error: Severity.ERROR,
  Fatal: Severity.CRITICAL,
  Failure: Severity.CRITICAL,
};

const line = (text: string, metric: MetricSink): LineVerdict => {
  const c = text.charCodeAt(0);
  if (c !== 0x23 /* # */ && c !== 0x2a /* * */ && c !== 0x45 /* E */) return UNRECOGNISED;
  const m = MESSAGE.exec(text);
  if (m !== null) return BY_NAME[m[1] ?? ''] ?? UNRECOGNISED;
  const s = SUMMARY.exec(text);
  if (s !== null) {
    metric('questa_errors', Number(s[1]));
    metric('questa_warnings', Number(s[2]));
    return Severity.INFO;
  }
  return UNRECOGNISED;
};

export const questa: ParserInfo = {
  name: 'questa',
  summary: '** Error/Fatal/Failure/Warning/Note (with or without "# ") → ERROR/CRITICAL/CRITICAL/WARNING/INFO; "Errors: N, Warnings: M" → metrics questa_*',
  create: stateless(line),
};
