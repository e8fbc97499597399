// Reading a spec file and turning its text into a YAML AST whose every node can be located.
// We drive the `yaml` package's Parser and Composer ourselves rather than calling
// parseDocument, so that while the CST streams past we can note where each tag was written:
// a tagged block mapping's own range starts at its first key, but an error about a `!Job`
// should point at the `!Job`.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { Composer, LineCounter, Parser, isAlias, isMap, isScalar, isSeq, type Alias, type CollectionTag, type Document, type Node, type ScalarTag } from 'yaml';
import { SpecError } from './errors.js';
import type { SourcePos } from './model.js';
import { TAG_NAMES } from './tags.js';
import { quote } from './text.js';

/**
 * The largest spec file read. The yaml package takes about 1.5 s and 150 MB per MiB of spec
 * on a 2-core machine (measured: 1 MiB of one-line jobs, 10,000 of them, 2.2 s and 227 MB;
 * 4 MiB 7.4 s and 670 MB): 4 MiB is about 40,000 jobs written out one per line, while arrays
 * make any number of jobs from a few lines.
 */
export const MAX_SPEC_BYTES = 4 * 1024 * 1024;

/**
 * The deepest nesting of mappings and lists a spec may have. Each level of groups is two (the
 * group's mapping and its `jobs` list), so this allows 50 levels of groups; the YAML composer
 * recurses once per level and runs out of stack at about a thousand.
 */
export const MAX_NESTING = 100;

/** An alias to a node that contains it: its expansion would never end. */
export const CIRCULAR = Symbol('circular alias');

export class YamlSource {
  readonly file: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly #lines: LineCounter;
  /** Offsets of every tag token, ascending (the CST yields tokens in source order). */
  readonly #tagOffsets: readonly number[];
  /** What each alias names, found in one pass over the document when first needed. */
  #aliases: Map<Alias, Node | typeof CIRCULAR> | null = null;

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

  /**
   * The node an alias names: the closest anchor of that name before it. (The yaml package's
   * own `resolve` searches the whole document for every alias, which made 20,000 aliases take
   * most of a minute.)
   */
  aliasTarget(alias: Alias): Node | typeof CIRCULAR | undefined {
    this.#aliases ??= indexAliases(this.doc);
    return this.#aliases.get(alias);
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

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/**
 * Walks a CST token (plain data, iteratively: its depth is the spec author's to choose) and
 * collects the offsets of `tag` source tokens; returns the offset of the first collection
 * nested deeper than MAX_NESTING, if any, before the composer recurses into it.
 */
function scanCst(root: unknown, tags: number[]): number | undefined {
  let tooDeep: number | undefined;
  const stack: [unknown, number][] = [[root, 0]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [token, depth] = item;
    if (token === null || typeof token !== 'object') continue;
    if (Array.isArray(token)) {
      for (const t of token) stack.push([t, depth]);
      continue;
    }
    const record = token as Record<string, unknown>;
    const offset = typeof record['offset'] === 'number' ? record['offset'] : 0;
    if (record['type'] === 'tag') {
      tags.push(offset);
      continue;
    }
    let inner = depth;
    if (COLLECTIONS.has(record['type'] as string)) {
      inner = depth + 1;
      if (inner > MAX_NESTING) {
        if (tooDeep === undefined || offset < tooDeep) tooDeep = offset;
        continue;
      }
    }
    for (const key of CST_CHILDREN) {
      const child = record[key];
      if (child !== undefined) stack.push([child, inner]);
    }
  }
  return tooDeep;
}

/** Every alias of a document and the node it names, in one walk in document order. */
function indexAliases(doc: Document.Parsed): Map<Alias, Node | typeof CIRCULAR> {
  const targets = new Map<Alias, Node | typeof CIRCULAR>();
  const anchors = new Map<string, Node>();
  /** Collections being walked: an alias to one of them is inside it. */
  const open = new Set<Node>();
  const stack: { node: unknown; leave: boolean }[] = [{ node: doc.contents, leave: false }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const node = item.node;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target !== undefined) targets.set(node, open.has(target) ? CIRCULAR : target);
      continue;
    }
    if (!isMap(node) && !isSeq(node) && !isScalar(node)) continue;
    if (item.leave) {
      open.delete(node);
      continue;
    }
    if (node.anchor !== undefined) anchors.set(node.anchor, node);
    if (isScalar(node)) continue;
    open.add(node);
    stack.push({ node, leave: true });
    const children: unknown[] = [];
    if (isMap(node)) for (const pair of node.items) children.push(pair.key, pair.value);
    else children.push(...node.items);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i], leave: false });
  }
  return targets;
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
      const tooDeep = scanCst(t, tagOffsets);
      if (tooDeep !== undefined) {
        const { line, col } = lines.linePos(tooDeep);
        throw new SpecError(file, line, col, `the spec is nested deeper than ${MAX_NESTING} levels of mappings and lists here; nest groups less deeply`);
      }
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

const KINDS: [(stats: Stats) => boolean, string][] = [
  [(s) => s.isDirectory(), 'a directory'],
  [(s) => s.isFIFO(), 'a pipe'],
  [(s) => s.isCharacterDevice() || s.isBlockDevice(), 'a device'],
  [(s) => s.isSocket(), 'a socket'],
];

/** A spec is a regular file of at most MAX_SPEC_BYTES; anything else is refused before reading. */
export function readSpecText(file: string): string {
  const refuse = (problem: string, cause?: unknown): never => {
    throw new SpecError(file, 1, 1, `cannot read the spec file: ${problem}`, cause === undefined ? undefined : { cause });
  };
  let fd: number;
  try {
    // Non-blocking, so that opening a pipe nobody writes to does not wait forever.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return refuse(osReason(err), err);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) {
      const kind = KINDS.find(([is]) => is(stats))?.[1] ?? 'not a regular file';
      return refuse(`it is ${kind}, not a regular file; write the spec to a file`);
    }
    const tooBig = `it is larger than ${MAX_SPEC_BYTES / 1024 / 1024} MiB, the most a spec may be; use !JobArray for large regressions, or split the spec`;
    if (stats.size > MAX_SPEC_BYTES) return refuse(tooBig);
    // Read one byte more than allowed: the file may have grown since fstat.
    const buffer = Buffer.allocUnsafe(Math.min(stats.size, MAX_SPEC_BYTES) + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > MAX_SPEC_BYTES) return refuse(tooBig);
    return buffer.toString('utf8', 0, length);
  } catch (err) {
    if (err instanceof SpecError) throw err;
    return refuse(osReason(err), err);
  } finally {
    closeSync(fd);
  }
}
