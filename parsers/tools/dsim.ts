// Metrics DSim: `=E:` error, `=F:` fatal, `=W:` warning, `=N:` note (dvsim relies on `=E:`).
import { Severity, UNRECOGNISED, stateless, type LineVerdict, type ParserInfo } from '../types.js';

const MESSAGE = /^=([EFWN]):/;
const BY_LETTER: Readonly<Record<string, LineVerdict>> = { E: Severity.ERROR, F: Severity.CRITICAL, W: Severity.WARNING, N: Severity.INFO };

const line = (text: string): LineVerdict => {
  if (text.charCodeAt(0) !== 0x3d /* = */) return UNRECOGNISED;
  const m = MESSAGE.exec(text);
  return m === null ? UNRECOGNISED : (BY_LETTER[m[1] ?? ''] ?? UNRECOGNISED);
};

export const dsim: ParserInfo = {
  name: 'dsim',
  summary: '=E:/=F:/=W:/=N: → ERROR/CRITICAL/WARNING/INFO',
  create: stateless(line),
};
