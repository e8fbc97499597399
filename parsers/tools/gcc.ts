// GCC and Clang diagnostics (`file.c:3:5: warning: unused variable 'x' [-Wunused-variable]`,
// `fatal error:`, `note:`, `remark:`, and `cc1: error: ...`, `collect2: error: ...` from the
// driver), and the context they print around them, which is INFO so a warning on stderr counts
// once: `In file included from`, `a.c: In function 'main':`, the source excerpt (`  3 | int x;`)
// and caret lines, `N warnings generated.`. The linker's `undefined reference` is ERROR and its
// `ld: warning:` WARNING.
import { Severity, UNRECOGNISED, stateless, type LineVerdict, type ParserInfo } from '../types.js';

const DIAGNOSTIC = /^[^:\s][^:]*:\d+:(?:\d+:)? (fatal error|error|warning|note|remark):/;
const DRIVER = /^[\w.+-]+: (fatal error|error|warning|note):/;
const CONTEXT =
  /^(?:In file included from |\s+from |[^:\s][^:]*: (?:In|At) (?:function|member function|static function|constructor|destructor|instantiation|substitution|lambda function|top level)\b|[^:\s][^:]*: At top level:|\s*\d*\s*\|)|^\d+ (?:warning|error)s? generated\.$/;
const LINKER_ERROR = /undefined reference to |multiple definition of |cannot find -l/;
const LINKER_WARNING = /^(?:\S*\/)?ld(?:\.\w+)?: warning: /;

const BY_NAME: Readonly<Record<string, LineVerdict>> = {
  'fatal error': Severity.CRITICAL,
  error: Severity.ERROR,
  warning: Severity.WARNING,
  note: Severity.INFO,
  remark: Severity.INFO,
};

const line = (text: string): LineVerdict => {
  const m = DIAGNOSTIC.exec(text) ?? DRIVER.exec(text);
  if (m !== null) return BY_NAME[m[1] ?? ''] ?? UNRECOGNISED;
  if (CONTEXT.test(text)) return Severity.INFO;
  if (LINKER_WARNING.test(text)) return Severity.WARNING;
  if (LINKER_ERROR.test(text)) return Severity.ERROR;
  return UNRECOGNISED;
};

export const gcc: ParserInfo = {
  name: 'gcc',
  summary:
    'GCC/Clang "file:line[:col]: fatal error|error|warning|note:" → CRITICAL/ERROR/WARNING/INFO; their context lines (includes, source excerpt, carets) → INFO; linker errors → ERROR',
  create: stateless(line),
};
