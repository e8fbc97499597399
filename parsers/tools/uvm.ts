// UVM report messages (`UVM_ERROR file.sv(12) @ 100 ns: uvm_test_top.env [CHK] mismatch`), as
// every simulator prints them, with the `# ` and `# KERNEL: ` transcript prefixes of Questa and
// Riviera. The report summary's count lines (`UVM_ERROR :    0`) are not messages: they are
// recognised as INFO and, after `--- UVM Report Summary ---`, stored as the metrics
// uvm_info, uvm_warning, uvm_error and uvm_fatal.
import { Severity, UNRECOGNISED, type LineParser, type LineVerdict, type ParserInfo } from '../types.js';

// The head of uvm_report_server::compose_report_message's format (UVM 1.1 to 2020):
// `UVM_SEV[(VERB)] [file(line) ]@ time: ...`. Only the head is matched (measured: matching the
// whole `time: context [ID]` tail cost a UVM-only log 10% of its lines/s); the `@` is what
// tells a message from a summary count line (`UVM_ERROR :    0`) or prose.
const MESSAGE = /^UVM_(INFO|WARNING|ERROR|FATAL)(?:\(\w+\))? (?:\S+\(\d+\) )?@ /;
const SUMMARY_HEADER = /^--- UVM Report Summary ---\s*$/;
const SUMMARY_COUNT = /^UVM_(INFO|WARNING|ERROR|FATAL)\s*:\s*(\d+)\s*$/;

const BY_NAME: Readonly<Record<string, LineVerdict>> = {
  INFO: Severity.INFO,
  WARNING: Severity.WARNING,
  ERROR: Severity.ERROR,
  FATAL: Severity.CRITICAL,
};

/** Where the UVM text starts after a transcript prefix, or -1 when the line cannot be UVM's. */
const bodyStart = (text: string): number => {
  // A char-code test first: almost every line of a log is rejected here without a regex.
  const c = text.charCodeAt(0);
  if (c === 0x55 /* U */) return 0;
  if (c === 0x2d /* - */) return 0;
  if (c !== 0x23 /* # */ || text.charCodeAt(1) !== 0x20) return -1;
  return text.startsWith('KERNEL: ', 2) ? 10 : 2;
};

class UvmParser implements LineParser {
  #inSummary = false;

  line(text: string, metric: (name: string, value: number) => void): LineVerdict {
    const start = bodyStart(text);
    if (start < 0) return UNRECOGNISED;
    const body = start === 0 ? text : text.slice(start);
    if (body.startsWith('UVM_')) {
      const message = MESSAGE.exec(body);
      if (message !== null) return BY_NAME[message[1] ?? ''] ?? UNRECOGNISED;
      const count = SUMMARY_COUNT.exec(body);
      if (count !== null) {
        if (this.#inSummary) metric(`uvm_${(count[1] ?? '').toLowerCase()}`, Number(count[2]));
        return Severity.INFO;
      }
      return UNRECOGNISED;
    }
    if (SUMMARY_HEADER.test(body)) {
      this.#inSummary = true;
      return Severity.INFO;
    }
    return UNRECOGNISED;
  }
}

export const uvm: ParserInfo = {
  name: 'uvm',
  summary: 'UVM_INFO/WARNING/ERROR/FATAL → INFO/WARNING/ERROR/CRITICAL (also after "# " and "# KERNEL: "); report summary counts as metrics uvm_*',
  create: () => new UvmParser(),
};
