// Synopsys VCS: `Error-[CODE] Title`, `Warning-[CODE]`, `Lint-[CODE]`, `Note-[CODE]` headers,
// whose explanation lines up to the next blank line are INFO; SVA failures (`Offending '...'`,
// `Assert failed:`) are ERROR; the closing banner's `Time: 1234 ps` and `CPU Time: 1.2 seconds`
// become the metrics sim_time_ns and cpu_time_s (dvsim's regular expressions).
import { Severity, UNRECOGNISED, type LineParser, type LineVerdict, type MetricSink, type ParserInfo } from '../types.js';
import { toNanoseconds, toSeconds } from './units.js';

const MESSAGE = /^(Error|Warning|Lint|Note)-\[[^\]]+\]/;
const OFFENDING = /^\s*Offending '.*'/;
const ASSERT_FAILED = /^Assert failed: /;
const SIM_TIME = /^Time:\s*(\d+(?:\.\d*)?)\s*([fpnum]?s)\s*$/i;
const CPU_TIME = /^CPU [tT]ime:\s*(\d+(?:\.\d*)?)\s*(seconds|minutes|hours)/;
const BLANK = /^\s*$/;

const BY_NAME: Readonly<Record<string, LineVerdict>> = { Error: Severity.ERROR, Warning: Severity.WARNING, Lint: Severity.WARNING, Note: Severity.INFO };

class VcsParser implements LineParser {
  #inMessage = false;

  line(text: string, metric: MetricSink): LineVerdict {
    const m = MESSAGE.exec(text);
    if (m !== null) {
      this.#inMessage = true;
      return BY_NAME[m[1] ?? ''] ?? UNRECOGNISED;
    }
    if (OFFENDING.test(text) || ASSERT_FAILED.test(text)) {
      this.#inMessage = false;
      return Severity.ERROR;
    }
    if (this.#inMessage) {
      if (!BLANK.test(text)) return Severity.INFO;
      this.#inMessage = false;
      return UNRECOGNISED;
    }
    const c = text.charCodeAt(0);
    if (c === 0x54 /* T */) {
      const t = SIM_TIME.exec(text);
      const ns = t === null ? undefined : toNanoseconds(Number(t[1]), t[2] ?? '');
      if (ns !== undefined) metric('sim_time_ns', ns);
    } else if (c === 0x43 /* C */) {
      const t = CPU_TIME.exec(text);
      const s = t === null ? undefined : toSeconds(Number(t[1]), t[2] ?? '');
      if (s !== undefined) metric('cpu_time_s', s);
    }
    return UNRECOGNISED;
  }
}

export const vcs: ParserInfo = {
  name: 'vcs',
  summary: 'Error-/Warning-/Lint-/Note-[CODE] → ERROR/WARNING/WARNING/INFO (explanation lines INFO), SVA "Offending" → ERROR; metrics sim_time_ns, cpu_time_s',
  create: () => new VcsParser(),
};
