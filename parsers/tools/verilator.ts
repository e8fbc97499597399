// Verilator's messages at compile time (`%Error: file.v:17:4: ...`, `%Warning-WIDTH: ...`,
// `-Info: ...`) and at run time (`[100] %Error: file.v:20: Assertion failed in ...`). The
// indented lines after a message (source excerpt, caret, "... For warning description see")
// belong to it and are INFO, so one warning counts once however much context follows it. The
// closing "%Error: Exiting due to N error(s)" restates a count and is INFO (the exit code
// fails that run).
import { Severity, UNRECOGNISED, type LineParser, type LineVerdict, type ParserInfo } from '../types.js';

const MESSAGE = /^(?:\[\d+(?:\.\d+)?\] )?%(Error|Warning|Fatal)(?:-[A-Z0-9_]+)?:/;
const INFO = /^(?:\[\d+(?:\.\d+)?\] )?-Info:/;
const EXITING = /^%Error: Exiting due to /;
const INDENTED = /^\s/;

const BY_NAME: Readonly<Record<string, LineVerdict>> = { Error: Severity.ERROR, Warning: Severity.WARNING, Fatal: Severity.CRITICAL };

class VerilatorParser implements LineParser {
  #inMessage = false;

  line(text: string): LineVerdict {
    const c = text.charCodeAt(0);
    if (c === 0x25 /* % */ || c === 0x5b /* [ */) {
      const m = MESSAGE.exec(text);
      if (m !== null) {
        this.#inMessage = true;
        return EXITING.test(text) ? Severity.INFO : (BY_NAME[m[1] ?? ''] ?? UNRECOGNISED);
      }
    }
    if (c === 0x2d /* - */ || c === 0x5b) {
      if (INFO.test(text)) {
        this.#inMessage = true;
        return Severity.INFO;
      }
    }
    if (this.#inMessage && INDENTED.test(text)) return Severity.INFO;
    this.#inMessage = false;
    return UNRECOGNISED;
  }
}

export const verilator: ParserInfo = {
  name: 'verilator',
  summary: '%Error/%Warning-CODE/%Fatal (also "[time] %Error" at run time) → ERROR/WARNING/CRITICAL; their indented context lines and -Info → INFO',
  create: () => new VerilatorParser(),
};
