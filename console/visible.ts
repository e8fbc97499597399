// Job output is untrusted: a stray ESC, CR or C1 byte would move the cursor, recolour the
// terminal or break the "no escape sequence when piped" rule. Every job-originated string goes
// through `visible` before it is written, so control characters show up as symbols instead.

// C0 controls except TAB, DEL, the C1 range (0x9b is a one-byte CSI on some terminals), and
// the bidirectional controls (U+202E turns the rest of a line around: `exe.txt` can read as
// `txt.exe`), which reorder what a person sees without being seen themselves.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_OR_TAB = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const picture = (char: string): string => {
  const code = char.charCodeAt(0);
  // U+2400.. "Control Pictures" has one glyph per C0 code (␛ for ESC, ␍ for CR) and ␡ for DEL.
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return '\u2421';
  if (code <= 0xff) return `\\x${code.toString(16)}`;
  return `\\u${code.toString(16)}`;
};

export interface VisibleOptions {
  /** Tabs are kept in scrolling log lines (aligned output stays aligned) but not in the panel, whose width must be exact. */
  readonly tabs?: 'keep' | 'space';
}

/** `text` with every control character replaced by a visible stand-in. */
export const visible = (text: string, options: VisibleOptions = {}): string => {
  const pattern = options.tabs === 'space' ? CONTROL_OR_TAB : CONTROL;
  pattern.lastIndex = 0;
  if (!pattern.test(text)) return text;
  pattern.lastIndex = 0;
  return text.replace(pattern, (char) => (char === '\t' ? ' ' : picture(char)));
};
