// `$VAR` expansion for command, args, cwd and env values. Jobs are executed directly, never
// through a shell, so this is the only expansion they get: `$NAME`, `${NAME}` and
// `${NAME:-default}` (default used when NAME is unset or empty; it may itself hold
// variables). Unset names expand to the empty string, as in Gator (the planner warns about
// each place that happens: `sh -c "… $i …"` meant for the shell is a common slip). `$$` is a literal `$`, and
// a `$` not followed by a name or `{` is kept as is (so `cost: 5$` needs no escaping).

export type Lookup = (name: string) => string | undefined;
/** Told each name that was not set where it expanded to the empty string. */
export type OnUnset = (name: string) => void;

class TemplateError extends Error {}

const NAME_START = /^[A-Za-z_]/;

function isNameChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95;
}

/**
 * Scans `text` from `start`. With `inBraces`, stops at the `}` closing a default value and
 * returns its index. `lookup` null means "only check the syntax".
 */
function scan(text: string, start: number, lookup: Lookup | null, inBraces: boolean, onUnset?: OnUnset): { out: string; end: number } {
  let out = '';
  let i = start;
  while (i < text.length) {
    // Copy the run up to the next `$` (or `}` inside braces) in one slice.
    const dollar = text.indexOf('$', i);
    const brace = inBraces ? text.indexOf('}', i) : -1;
    if (brace >= 0 && (dollar < 0 || brace < dollar)) return { out: out + text.slice(i, brace), end: brace };
    if (dollar < 0) {
      out += text.slice(i);
      i = text.length;
      break;
    }
    out += text.slice(i, dollar);
    i = dollar;
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next !== undefined && NAME_START.test(next)) {
      let j = i + 2;
      while (j < text.length && isNameChar(text.charCodeAt(j))) j++;
      const name = text.slice(i + 1, j);
      if (lookup !== null) out += valueOf(name, lookup, onUnset);
      i = j;
    } else if (next === '{') {
      let j = i + 2;
      while (j < text.length && isNameChar(text.charCodeAt(j))) j++;
      const name = text.slice(i + 2, j);
      if (name === '' || !NAME_START.test(name)) {
        throw new TemplateError(j >= text.length ? 'unterminated ${' : `bad variable name in \${${text.slice(i + 2, j + 1)}…`);
      }
      if (text[j] === '}') {
        if (lookup !== null) out += valueOf(name, lookup, onUnset);
        i = j + 1;
      } else if (text.startsWith(':-', j)) {
        const value = lookup === null ? undefined : lookup(name);
        const used = value === undefined || value === '';
        // A default that is not used expands nothing, so nothing in it is reported unset.
        const inner = scan(text, j + 2, lookup, true, used ? onUnset : undefined);
        if (inner.end >= text.length) throw new TemplateError(`unterminated \${${name}:-…`);
        if (lookup !== null) out += used ? inner.out : (value ?? '');
        i = inner.end + 1;
      } else if (j >= text.length) {
        throw new TemplateError(`unterminated \${${name}`);
      } else {
        throw new TemplateError(
          `unsupported expansion \${${name}${text[j] ?? ''}…}: only $NAME, \${NAME} and \${NAME:-default} are supported (write $$ for a literal $)`,
        );
      }
    } else {
      out += '$';
      i++;
    }
  }
  if (inBraces) return { out, end: text.length };
  return { out, end: i };
}

function valueOf(name: string, lookup: Lookup, onUnset: OnUnset | undefined): string {
  const value = lookup(name);
  if (value !== undefined) return value;
  onUnset?.(name);
  return '';
}

/** What is wrong with a template, or undefined if it expands cleanly. */
export function templateProblem(text: string): string | undefined {
  if (!text.includes('$')) return undefined;
  try {
    scan(text, 0, null, false);
    return undefined;
  } catch (err) {
    if (err instanceof TemplateError) return err.message;
    throw err;
  }
}

export function hasVariables(text: string): boolean {
  return text.includes('$');
}

/** Expands `text`; it must have passed templateProblem (a malformed one throws a plain Error). */
export function expandVars(text: string, lookup: Lookup, onUnset?: OnUnset): string {
  if (!text.includes('$')) return text;
  return scan(text, 0, lookup, false, onUnset).out;
}
