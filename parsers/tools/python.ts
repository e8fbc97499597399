// Python's own output: a traceback is one ERROR (its exception line, `ValueError: bad value`,
// which is the failure's clearest words; the header and frames are INFO), a warning
// (`x.py:3: DeprecationWarning: ...`, then its source line) is one WARNING, and lines in the
// logging module's default format (`ERROR:root:...`) get their level.
import { Severity, UNRECOGNISED, type LineParser, type LineVerdict, type ParserInfo } from '../types.js';

const TRACEBACK = /^Traceback \(most recent call last\):\s*$/;
// Python 3.11's exception groups print the whole traceback indented, the group's own exception
// line as `  | ExceptionGroup: ...` and the sub-exceptions one level further in.
const GROUP_TRACEBACK = /^\s*\+ Exception Group Traceback \(most recent call last\):\s*$/;
const GROUP_EXCEPTION = /^ {2}\| [A-Za-z_][\w.]*(?::|$)/;
const CHAINED =
  /^(?:During handling of the above exception, another exception occurred:|The above exception was the direct cause of the following exception:)\s*$/;
const WARNING = /^.+?:\d+: [A-Z]\w*Warning: /;
const LOGGING = /^(DEBUG|INFO|WARNING|ERROR|CRITICAL):[\w.<>-]*:/;
const INDENTED = /^\s/;

const LEVELS: Readonly<Record<string, LineVerdict>> = {
  DEBUG: Severity.DEBUG,
  INFO: Severity.INFO,
  WARNING: Severity.WARNING,
  ERROR: Severity.ERROR,
  CRITICAL: Severity.CRITICAL,
};

const State = { Idle: 0, Traceback: 1, GroupTraceback: 2, Warning: 3 } as const;
type State = (typeof State)[keyof typeof State];

class PythonParser implements LineParser {
  #state: State = State.Idle;

  line(text: string): LineVerdict {
    if (this.#state === State.Traceback) {
      // Frames and source lines are indented; the first line that is not ends the traceback.
      if (INDENTED.test(text) || text === '') return Severity.INFO;
      this.#state = State.Idle;
      return TRACEBACK.test(text) ? this.#start() : Severity.ERROR;
    }
    if (this.#state === State.GroupTraceback) {
      if (INDENTED.test(text) || text === '') return GROUP_EXCEPTION.test(text) && !text.startsWith('  |   ') ? Severity.ERROR : Severity.INFO;
      this.#state = State.Idle;
    }
    if (this.#state === State.Warning) {
      this.#state = State.Idle;
      if (INDENTED.test(text)) return Severity.INFO;
    }
    if (TRACEBACK.test(text)) return this.#start();
    if (GROUP_TRACEBACK.test(text)) {
      this.#state = State.GroupTraceback;
      return Severity.INFO;
    }
    if (CHAINED.test(text)) return Severity.INFO;
    const level = LOGGING.exec(text);
    if (level !== null) return LEVELS[level[1] ?? ''] ?? UNRECOGNISED;
    if (WARNING.test(text)) {
      this.#state = State.Warning;
      return Severity.WARNING;
    }
    return UNRECOGNISED;
  }

  #start(): LineVerdict {
    this.#state = State.Traceback;
    return Severity.INFO;
  }
}

export const python: ParserInfo = {
  name: 'python',
  summary: 'a traceback is one ERROR (its exception line; header and frames INFO), warnings → WARNING, logging\'s "LEVEL:name:" lines → their level',
  create: () => new PythonParser(),
};
