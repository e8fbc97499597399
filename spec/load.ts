// Reading a spec file and turning its text into a YAML AST whose every node can be located.
// We drive the `yaml` package's Parser and Composer ourselves rather than calling
// parseDocument, so that while the CST streams past we can note where each tag was written:
// a tagged block mapping's own range starts at its first key, but an error about a `!Job`
// should point at the `!Job`.
import { readFileSync } from 'node:fs';
import { Composer, LineCounter, Parser, isScalar, type CollectionTag, type Document, type Node, type ScalarTag } from 'yaml';
import { SpecError } from './errors.js';
import type { SourcePos } from './model.js';
import { TAG_NAMES } from './tags.js';
import { quote } from './text.js';

export class YamlSource {
  readonly file: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly #lines: LineCounter;
  /** Offsets of every tag token, ascending (the CST yields tokens in source order). */
  readonly #tagOffsets: readonly number[];

  constructor(file: string, text: string, doc: Document.Parsed, lines: LineCounter, tagOffsets: readonly number[]) {
    this.file = file;
    this.text = text;
    this.doc = doc;
    this.#lines = lines;
    this.#tagOffsets = tagOffsets;
  }

  at(offset: number): SourcePos {
    const { line, col } = this.#lines.linePos(offset);
    return { file: this.file, line, col };
  }

  /** Where a node starts: its tag if it has one, else its first character. */
  posOf(node: Node): SourcePos {
    const start = node.range?.[0] ?? 0;
    if (node.tag === undefined) return this.at(start);
    return this.at(this.#tagBefore(start) ?? start);
  }

  /** The source text of a scalar (for telling `2` from `2.0`). */
  sourceOf(node: Node): string {
    const r = node.range;
    return r === undefined || r === null ? '' : this.text.slice(r[0], r[1]);
  }

  /**
   * The last tag token before `offset`. Between a node's tag and its content there can only be
   * an anchor, spaces, comments and line breaks, so that tag is the node's own.
   */
  #tagBefore(offset: number): number | undefined {
    const tags = this.#tagOffsets;
    let lo = 0;
    let hi = tags.length - 1;
    let found: number | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const t = tags[mid] ?? 0;
      if (t < offset) {
        found = t;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}

/** CST fields that can hold tokens (documents, collection items, flow scalars' trailers). */
const CST_CHILDREN = ['start', 'items', 'key', 'sep', 'value', 'props', 'end'] as const;

/** Walks a CST token (plain data) collecting the offsets of `tag` source tokens. */
function collectTags(token: unknown, out: number[]): void {
  if (token === null || typeof token !== 'object') return;
  if (Array.isArray(token)) {
    for (const t of token) collectTags(t, out);
    return;
  }
  const record = token as Record<string, unknown>;
  if (record['type'] === 'tag') {
    const offset = record['offset'];
    if (typeof offset === 'number') out.push(offset);
    return;
  }
  for (const key of CST_CHILDREN) {
    const child = record[key];
    if (child !== undefined) collectTags(child, out);
  }
}

/**
 * Gator's tags, registered so that the composer keeps them on the nodes as they are (maps,
 * sequences and scalars untouched) instead of raising an "Unresolved tag" warning for each:
 * each warning is an Error with a stack, which made 20,000-job specs several times slower.
 * Unknown tags still compose as plain nodes with their tag, and we report them ourselves.
 */
const GATOR_TAGS: (CollectionTag | ScalarTag)[] = TAG_NAMES.flatMap((tag) => [
  { tag, collection: 'map' as const, resolve: (value: unknown) => value },
  { tag, collection: 'seq' as const, resolve: (value: unknown) => value },
  { tag, resolve: (value: string) => value },
]);

function describeYamlError(code: string, message: string, text: string, offset: number): string {
  if (code === 'DUPLICATE_KEY') {
    const key = (/^[^:\n]*/.exec(text.slice(offset, offset + 200))?.[0] ?? '').trim().replace(/^(["'])(.*)\1$/, '$2');
    return `duplicate key ${key === '' ? '' : `${quote(key)} `}in one mapping: each key may be given only once`;
  }
  return `YAML syntax error: ${message}`;
}

/** Parses YAML text into exactly one document, or throws the first syntax error. */
export function parseYaml(text: string, file: string): YamlSource {
  const lines = new LineCounter();
  const tagOffsets: number[] = [];
  function* tap<T>(tokens: Iterable<T>): Generator<T> {
    for (const t of tokens) {
      collectTags(t, tagOffsets);
      yield t;
    }
  }
  // prettyErrors off: we want the one-line reason; we add the location ourselves.
  // Unknown tags only produce warnings in `yaml`; we report them ourselves while walking.
  const composer = new Composer({ prettyErrors: false, uniqueKeys: true, customTags: GATOR_TAGS });
  const docs = Array.from(composer.compose(tap(new Parser(lines.addNewLine).parse(text)), false, text.length));
  tagOffsets.sort((a, b) => a - b);
  const locate = (offset: number): SourcePos => {
    const { line, col } = lines.linePos(offset);
    return { file, line, col };
  };

  let firstError: SpecError | undefined;
  for (const doc of docs) {
    for (const e of doc.errors) {
      const pos = locate(e.pos[0]);
      const candidate = SpecError.at(pos, describeYamlError(e.code, e.message, text, e.pos[0]), { cause: e });
      if (firstError === undefined || pos.line < firstError.line || (pos.line === firstError.line && pos.col < firstError.col)) {
        firstError = candidate;
      }
    }
  }
  if (firstError !== undefined) throw firstError;

  const [doc, second] = docs;
  if (doc === undefined || doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null && doc.contents.tag === undefined)) {
    const pos = locate(doc?.range[0] ?? 0);
    throw SpecError.at(pos, 'the spec is empty: expected a !JobGroup, !JobArray or !Job at the top');
  }
  if (second !== undefined) {
    throw SpecError.at(locate(second.range[0]), 'a spec file holds one YAML document, but a second one starts here');
  }
  return new YamlSource(file, text, doc, lines, tagOffsets);
}

/** Node's messages look like `ENOENT: no such file or directory, open 'x'`: keep the reason. */
function osReason(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    const m = /^[A-Z0-9_]+: ([^,]+)/.exec(err.message);
    const reason = m?.[1] ?? err.message;
    return code !== undefined ? `${reason} (${code})` : reason;
  }
  return String(err);
}

export function readSpecText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new SpecError(file, 1, 1, `cannot read the spec file: ${osReason(err)}`, { cause: err });
  }
}
