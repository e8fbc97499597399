// Reading plain YAML values (strings, integers, lists, env mappings, dependency lists) out of
// the AST with their positions, reporting wrong types in words a spec author understands.
import { isAlias, isMap, isNode, isScalar, isSeq, type Node, type Scalar } from 'yaml';
import { templateProblem } from './expand.js';
import type { DependencyRef, SourcePos } from './model.js';
import type { YamlSource } from './load.js';
import type { Problems } from './problems.js';
import { TAGS, TAG_NAMES } from './tags.js';
import { didYouMean, quote } from './text.js';

/** One field of a tagged node, with its value already dereferenced (never an alias). */
export interface Field {
  readonly name: string;
  readonly node: Node;
  /** Where the key was written (mapping form) or the value (sequence form). */
  readonly keyPos: SourcePos;
}

export interface ReadContext {
  readonly src: YamlSource;
  readonly problems: Problems;
  /** Resolves aliases; reports and returns undefined for a dangling one. */
  deref(node: Node): Node | undefined;
}

const STANDARD_TAG = 'tag:yaml.org,2002:';

/** Collection items and pair halves are typed `unknown`; parsed ones are always Node or null. */
export function asNode(value: unknown): Node | null {
  return isNode(value) ? value : null;
}

export type TagClass = 'none' | 'standard' | 'gator' | 'unknown';

export function tagClass(node: Node): TagClass {
  const tag = node.tag;
  if (tag === undefined) return 'none';
  if (tag.startsWith(STANDARD_TAG)) return 'standard';
  return TAGS.has(tag) ? 'gator' : 'unknown';
}

export function unknownTagProblem(tag: string): string {
  return `unknown tag ${quote(tag)}${didYouMean(tag, TAG_NAMES)}: Gator's tags are ${TAG_NAMES.join(', ')}`;
}

export type ScalarKind = 'null' | 'boolean' | 'integer' | 'float' | 'string';

const INT_SOURCE = /^[-+]?[0-9]+$|^0o[0-7]+$|^0x[0-9a-fA-F]+$/;

export function scalarKind(src: YamlSource, node: Scalar): ScalarKind {
  const v = node.value;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') {
    if (node.tag === `${STANDARD_TAG}int`) return Number.isSafeInteger(v) ? 'integer' : 'float';
    if (node.tag === `${STANDARD_TAG}float`) return 'float';
    return Number.isSafeInteger(v) && INT_SOURCE.test(src.sourceOf(node).trim()) ? 'integer' : 'float';
  }
  return 'string';
}

/** `a mapping`, `the integer 5`, `a !Job`… for "must be X, not Y" messages. */
export function describe(src: YamlSource, node: Node, ignoreTag = false): string {
  const cls = tagClass(node);
  if (!ignoreTag && (cls === 'gator' || cls === 'unknown')) return cls === 'gator' ? `a ${node.tag ?? ''}` : `a node tagged ${node.tag ?? ''}`;
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a sequence';
  if (isAlias(node)) return 'an alias';
  if (isScalar(node)) {
    const kind = scalarKind(src, node);
    const text = src.sourceOf(node).trim();
    switch (kind) {
      case 'null':
        return 'null';
      case 'boolean':
        return `the boolean ${text}`;
      case 'integer':
        return `the integer ${text}`;
      case 'float':
        return `the number ${text}`;
      case 'string':
        return `the string ${quote(String(node.value))}`;
    }
  }
  return 'an unsupported YAML node';
}

/** Reports an unknown tag on a value that should be plain; true when the tag is acceptable. */
export function plainTagOk(ctx: ReadContext, node: Node): boolean {
  if (tagClass(node) === 'unknown') {
    ctx.problems.add(ctx.src.posOf(node), unknownTagProblem(node.tag ?? ''));
    return false;
  }
  return true;
}

export function wrongType(ctx: ReadContext, node: Node, what: string, hint = ''): undefined {
  return ctx.problems.add(ctx.src.posOf(node), `${what}, not ${describe(ctx.src, node)}${hint}`);
}

/**
 * Command lines, environments and paths are NUL-terminated strings to the kernel: a NUL would
 * cut the value short, or (in the spawn server's request) shift every string after it.
 */
function hasNul(ctx: ReadContext, node: Node, what: string, text: string): boolean {
  if (!text.includes('\0')) return false;
  ctx.problems.add(ctx.src.posOf(node), `${what} contains a NUL character (\\0), which no command, argument, environment variable or path can hold`);
  return true;
}

function checkTemplate(ctx: ReadContext, node: Node, field: string, text: string): boolean {
  const problem = templateProblem(text);
  if (problem === undefined) return true;
  ctx.problems.add(ctx.src.posOf(node), `bad variable reference in ${field}: ${problem}`);
  return false;
}

/** A string field (ident, cwd, command); `templated` checks `$VAR` syntax. */
export function readString(ctx: ReadContext, field: Field, templated: boolean): string | undefined {
  const node = field.node;
  if (!plainTagOk(ctx, node)) return undefined;
  if (!isScalar(node) || tagClass(node) === 'gator' || scalarKind(ctx.src, node) !== 'string') {
    const hint = isScalar(node) && scalarKind(ctx.src, node) !== 'null' && tagClass(node) !== 'gator' ? ' (quote it to make it a string)' : '';
    return wrongType(ctx, node, `${field.name} must be a string`, hint);
  }
  const text = String(node.value);
  if (hasNul(ctx, node, field.name, text)) return undefined;
  if (templated && !checkTemplate(ctx, node, field.name, text)) return undefined;
  return text;
}

/** A string or an integer (env values, args): integers become their decimal text, as in Gator. */
export function readStringOrInt(ctx: ReadContext, node: Node, what: string, templated: string | undefined): string | undefined {
  if (!plainTagOk(ctx, node)) return undefined;
  if (isScalar(node) && tagClass(node) !== 'gator') {
    const kind = scalarKind(ctx.src, node);
    if (kind === 'integer') return String(node.value);
    if (kind === 'string') {
      const text = String(node.value);
      if (hasNul(ctx, node, what, text)) return undefined;
      if (templated !== undefined && !checkTemplate(ctx, node, templated, text)) return undefined;
      return text;
    }
    if (kind !== 'null') return wrongType(ctx, node, `${what} must be a string or an integer`, ' (quote it to pass it as text)');
  }
  return wrongType(ctx, node, `${what} must be a string or an integer`);
}

/** An integer field (repeats, count); range checks are the caller's. */
export function readInteger(ctx: ReadContext, field: Field): number | undefined {
  const node = field.node;
  if (!plainTagOk(ctx, node)) return undefined;
  if (isScalar(node) && tagClass(node) !== 'gator' && scalarKind(ctx.src, node) === 'integer') return Number(node.value);
  return wrongType(ctx, node, `${field.name} must be an integer`);
}

/** A number field that may be fractional (memory size). */
export function readNumber(ctx: ReadContext, field: Field): number | undefined {
  const node = field.node;
  if (!plainTagOk(ctx, node)) return undefined;
  if (isScalar(node) && tagClass(node) !== 'gator') {
    const kind = scalarKind(ctx.src, node);
    if ((kind === 'integer' || kind === 'float') && Number.isFinite(node.value)) return Number(node.value);
  }
  return wrongType(ctx, node, `${field.name} must be a number`);
}

/** The items of a sequence field, dereferenced; undefined (reported) if it is not a sequence. */
export function readSequence(ctx: ReadContext, field: Field, what: string, hint = ''): Node[] | undefined {
  const node = field.node;
  if (!plainTagOk(ctx, node)) return undefined;
  if (!isSeq(node) || tagClass(node) === 'gator') return wrongType(ctx, node, what, hint);
  const items: Node[] = [];
  let ok = true;
  for (const item of node.items) {
    const itemNode = asNode(item);
    const resolved = itemNode === null ? undefined : ctx.deref(itemNode);
    if (resolved === undefined) ok = false;
    else items.push(resolved);
  }
  return ok ? items : undefined;
}

/** The args, and in `positions` where each was written. */
export function readArgs(ctx: ReadContext, field: Field, positions: SourcePos[] = []): string[] | undefined {
  const items = readSequence(ctx, field, 'args must be a sequence (a list) of strings or integers');
  if (items === undefined) return undefined;
  const args: string[] = [];
  let ok = true;
  items.forEach((item, i) => {
    const arg = readStringOrInt(ctx, item, `args entry ${i}`, 'args');
    if (arg === undefined) ok = false;
    else {
      args.push(arg);
      positions.push(ctx.src.posOf(item));
    }
  });
  return ok ? args : undefined;
}

const ENV_NAME_BAD = /[=\0]/;

/** The env mapping, and in `positions` where each value was written. */
export function readEnv(ctx: ReadContext, field: Field, positions: Record<string, SourcePos> = {}): Record<string, string> | undefined {
  const node = field.node;
  if (!plainTagOk(ctx, node)) return undefined;
  if (!isMap(node) || tagClass(node) === 'gator') {
    return wrongType(ctx, node, 'env must be a mapping of variable names to values (NAME: value)');
  }
  const entries: [string, string][] = [];
  let ok = true;
  for (const pair of node.items) {
    const keyNode = asNode(pair.key);
    const key = keyNode === null ? undefined : ctx.deref(keyNode);
    if (key === undefined) {
      if (keyNode === null) ctx.problems.add(ctx.src.posOf(node), 'env has an entry without a variable name');
      ok = false;
      continue;
    }
    if (!isScalar(key) || tagClass(key) === 'gator' || tagClass(key) === 'unknown' || scalarKind(ctx.src, key) !== 'string') {
      ok = false;
      wrongType(ctx, key, 'env variable names must be strings');
      continue;
    }
    const name = String(key.value);
    if (name === '' || ENV_NAME_BAD.test(name)) {
      ok = false;
      ctx.problems.add(ctx.src.posOf(key), `bad env variable name ${quote(name)}: it must be non-empty, without '=' or NUL`);
      continue;
    }
    if (name === 'GATOR_SEED') {
      ok = false;
      ctx.problems.add(ctx.src.posOf(key), "GATOR_SEED is set by Gator to each job's seed: pin a job's seed with seed: instead");
      continue;
    }
    const rawValue = asNode(pair.value);
    const valueNode = rawValue === null ? undefined : ctx.deref(rawValue);
    if (valueNode === undefined) {
      if (rawValue === null) {
        ctx.problems.add(ctx.src.posOf(key), `env value of ${quote(name)} is missing: it must be a string or an integer`);
      }
      ok = false;
      continue;
    }
    const value = readStringOrInt(ctx, valueNode, `env value of ${quote(name)}`, `env value of ${quote(name)}`);
    if (value === undefined) ok = false;
    else {
      entries.push([name, value]);
      Object.defineProperty(positions, name, { value: ctx.src.posOf(valueNode), enumerable: true, writable: true, configurable: true });
    }
  }
  // fromEntries defines own properties, so even a `__proto__` name stays plain data.
  return ok ? Object.fromEntries(entries) : undefined;
}

export function readDeps(ctx: ReadContext, field: Field): DependencyRef[] | undefined {
  const items = readSequence(
    ctx,
    field,
    `${field.name} must be a list of sibling idents`,
    isScalar(field.node) && typeof field.node.value === 'string' ? ` (write ${field.name}: [${String(field.node.value)}])` : '',
  );
  if (items === undefined) return undefined;
  const refs: DependencyRef[] = [];
  let ok = true;
  for (const item of items) {
    if (!plainTagOk(ctx, item)) {
      ok = false;
    } else if (!isScalar(item) || tagClass(item) === 'gator' || scalarKind(ctx.src, item) !== 'string') {
      ok = false;
      wrongType(ctx, item, `${field.name} entries must be sibling idents (strings)`);
    } else {
      refs.push({ ident: String(item.value), pos: ctx.src.posOf(item) });
    }
  }
  return ok ? refs : undefined;
}
