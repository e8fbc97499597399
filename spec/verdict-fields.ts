// Reading the fields that decide how a job's lines are classified and judged: `parsers`, the
// four pattern lists, `limits` and `stderr`. Regular expressions and parser names are checked
// here, so that a bad one is a `file:line:col` error before anything runs.
import { isMap, isScalar, type Node } from 'yaml';
import { PARSER_ALIASES, PARSER_NAMES, SEVERITY_NAMES, parserNamed, patternProblem, type SeverityName } from '../parsers/index.js';
import type { LimitName, LimitsSpec, ListSetting, ParserRef, PatternSpec } from './model.js';
import { didYouMean, listNames, quote } from './text.js';
import { asNode, describe, readSequence, scalarKind, tagClass, type Field, type ReadContext } from './values.js';

export type PatternField = 'fail_patterns' | 'pass_patterns' | 'ignore_patterns' | 'severity_patterns';

const LIMIT_NAMES: readonly LimitName[] = ['warning', 'error', 'critical'];
const UNLIMITED = 'none';

const plainString = (ctx: ReadContext, node: Node): string | undefined =>
  isScalar(node) && tagClass(node) === 'none' && scalarKind(ctx.src, node) === 'string' ? String(node.value) : undefined;

/** The pairs of a plain mapping with string keys; reports other keys. */
const mapEntries = (ctx: ReadContext, node: Node, what: string): [string, Node, Node][] | undefined => {
  if (!isMap(node) || tagClass(node) !== 'none') return undefined;
  const out: [string, Node, Node][] = [];
  let ok = true;
  for (const pair of node.items) {
    const keyRaw = asNode(pair.key);
    const key = keyRaw === null ? undefined : ctx.deref(keyRaw);
    const name = key === undefined ? undefined : plainString(ctx, key);
    if (key === undefined || name === undefined) {
      ok = false;
      ctx.problems.add(key === undefined ? ctx.src.posOf(node) : ctx.src.posOf(key), `the keys of ${what} must be plain strings`);
      continue;
    }
    const valueRaw = asNode(pair.value);
    const value = valueRaw === null ? undefined : ctx.deref(valueRaw);
    if (value === undefined) {
      ok = false;
      if (valueRaw === null) ctx.problems.add(ctx.src.posOf(key), `${name} in ${what} has no value`);
      continue;
    }
    out.push([name, key, value]);
  }
  return ok ? out : undefined;
};

/** A severity name, any case, as the canonical upper-case name. */
export const severityNamed = (text: string): SeverityName | undefined => {
  const upper = text.trim().toUpperCase();
  return SEVERITY_NAMES.find((name) => name === upper);
};

const readSeverity = (ctx: ReadContext, node: Node, what: string, allowed: readonly SeverityName[] = SEVERITY_NAMES): SeverityName | undefined => {
  const text = plainString(ctx, node);
  const severity = text === undefined ? undefined : severityNamed(text);
  if (severity === undefined || !allowed.includes(severity)) {
    return ctx.problems.add(ctx.src.posOf(node), `${what} must be one of ${allowed.join(', ')}, not ${describe(ctx.src, node)}`);
  }
  return severity;
};

/** The list form `[a, b]` (adds to what is inherited) or `{replace: [a, b]}`. */
const readListSetting = <T>(ctx: ReadContext, field: Field, readItem: (node: Node, index: number) => T | undefined): ListSetting<T> | undefined => {
  let listField = field;
  let replace = false;
  if (isMap(field.node) && tagClass(field.node) === 'none') {
    const entries = mapEntries(ctx, field.node, field.name);
    if (entries === undefined) return undefined;
    let found: Field | undefined;
    for (const [name, key, value] of entries) {
      if (name !== 'replace') {
        return ctx.problems.add(
          ctx.src.posOf(key),
          `unknown key ${quote(name)} in ${field.name}: write a list to add to what is inherited, or {replace: [...]} to replace it`,
        );
      }
      found = { name: field.name, node: value, keyPos: ctx.src.posOf(key) };
    }
    if (found === undefined)
      return ctx.problems.add(ctx.src.posOf(field.node), `${field.name} as a mapping needs replace: [...] (the list that replaces what is inherited)`);
    listField = found;
    replace = true;
  }
  const items = readSequence(ctx, listField, `${field.name} must be a list, or {replace: [...]} to replace what is inherited`);
  if (items === undefined) return undefined;
  const out: T[] = [];
  let ok = true;
  items.forEach((item, i) => {
    const value = readItem(item, i);
    if (value === undefined) ok = false;
    else out.push(value);
  });
  return ok ? { replace, items: out } : undefined;
};

export const readParsers = (ctx: ReadContext, field: Field): ListSetting<ParserRef> | undefined =>
  readListSetting(ctx, field, (node) => {
    const pos = ctx.src.posOf(node);
    const name = plainString(ctx, node);
    if (name === undefined) return ctx.problems.add(pos, `parsers entries must be parser names (${PARSER_NAMES.join(', ')}), not ${describe(ctx.src, node)}`);
    const info = parserNamed(name.trim().toLowerCase());
    if (info === undefined) {
      const known = [...PARSER_NAMES, ...Object.keys(PARSER_ALIASES)];
      return ctx.problems.add(pos, `unknown parser ${quote(name)}${didYouMean(name, known)}: the built-in parsers are ${listNames(PARSER_NAMES)}`);
    }
    return { name: info.name, pos };
  });

/** What severity an entry of each pattern list may or must carry. */
const SEVERITY_RULE: Readonly<Record<PatternField, { readonly allowed: readonly SeverityName[]; readonly required: boolean }>> = {
  fail_patterns: { allowed: [], required: false },
  pass_patterns: { allowed: [], required: false },
  ignore_patterns: { allowed: ['DEBUG', 'INFO'], required: false },
  severity_patterns: { allowed: SEVERITY_NAMES, required: true },
};

export const readPatterns = (ctx: ReadContext, field: Field & { readonly name: PatternField }): ListSetting<PatternSpec> | undefined => {
  const rule = SEVERITY_RULE[field.name];
  const form = rule.allowed.length === 0 ? 'a regular expression (a string)' : `a regular expression, or {match: REGEX, severity: ${rule.allowed.join('|')}}`;
  return readListSetting(ctx, field, (node) => {
    const pos = ctx.src.posOf(node);
    let match: string | undefined;
    let matchNode: Node = node;
    let severity: SeverityName | undefined;
    if (isMap(node) && tagClass(node) === 'none' && rule.allowed.length > 0) {
      const entries = mapEntries(ctx, node, `an entry of ${field.name}`);
      if (entries === undefined) return undefined;
      for (const [name, key, value] of entries) {
        if (name === 'match') {
          matchNode = value;
          match = plainString(ctx, value);
          if (match === undefined)
            return ctx.problems.add(ctx.src.posOf(value), `match must be a regular expression (a string), not ${describe(ctx.src, value)}`);
        } else if (name === 'severity') {
          severity = readSeverity(ctx, value, `the severity of an entry of ${field.name}`, rule.allowed);
          if (severity === undefined) return undefined;
        } else {
          return ctx.problems.add(
            ctx.src.posOf(key),
            `unknown key ${quote(name)} in an entry of ${field.name}${didYouMean(name, ['match', 'severity'])}: it takes match and severity`,
          );
        }
      }
      if (match === undefined) return ctx.problems.add(pos, `an entry of ${field.name} needs match: REGEX`);
    } else {
      match = plainString(ctx, node);
      if (match === undefined) return ctx.problems.add(pos, `${field.name} entries must be ${form}, not ${describe(ctx.src, node)}`);
    }
    if (severity === undefined && rule.required)
      return ctx.problems.add(pos, `an entry of ${field.name} needs a severity: {match: REGEX, severity: ${rule.allowed.join('|')}}`);
    const problem = patternProblem(match);
    if (problem !== undefined) return ctx.problems.add(ctx.src.posOf(matchNode), `bad regular expression in ${field.name}: ${problem}`);
    return { match, severity, pos };
  });
};

export const readLimits = (ctx: ReadContext, field: Field): LimitsSpec | undefined => {
  const shape = `limits must be a mapping such as {error: 0, warning: 10, critical: 0} (a count, or ${UNLIMITED} for unlimited)`;
  const entries = mapEntries(ctx, field.node, 'limits');
  if (entries === undefined)
    return isMap(field.node) ? undefined : ctx.problems.add(ctx.src.posOf(field.node), `${shape}, not ${describe(ctx.src, field.node)}`);
  const limits: Partial<Record<LimitName, number | null>> = {};
  let ok = true;
  for (const [name, key, value] of entries) {
    const limit = LIMIT_NAMES.find((l) => l === name);
    if (limit === undefined) {
      ok = false;
      ctx.problems.add(ctx.src.posOf(key), `unknown limit ${quote(name)}${didYouMean(name, LIMIT_NAMES)}: limits are ${LIMIT_NAMES.join(', ')}`);
      continue;
    }
    if (isScalar(value) && tagClass(value) === 'none' && scalarKind(ctx.src, value) === 'integer' && Number(value.value) >= 0) {
      limits[limit] = Number(value.value);
    } else if (plainString(ctx, value)?.trim().toLowerCase() === UNLIMITED) {
      limits[limit] = null;
    } else {
      ok = false;
      ctx.problems.add(ctx.src.posOf(value), `the ${limit} limit must be a count >= 0 or ${UNLIMITED} (unlimited), not ${describe(ctx.src, value)}`);
    }
  }
  return ok ? limits : undefined;
};

export const readStderr = (ctx: ReadContext, field: Field): SeverityName | undefined =>
  readSeverity(ctx, field.node, 'stderr (the severity of stderr lines no parser or pattern classifies)');
