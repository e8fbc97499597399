// Reading the regression-control fields: `seed`, `timeout`/`group_timeout` (durations),
// `retries`, `retry_on`, `mkdir`, an array's `parameters` and the top-level `pools`. Each
// wrong value is reported at its own position, in the words of the field it belongs to.
import { isMap, isScalar, type Node, type Scalar } from 'yaml';
import { parseDuration } from './duration.js';
import { RETRY_RULE_HELP, RETRY_WORDS, parseExitCode, parseOutputPattern, parseRetryRule, type RuleParse } from './retry-rule.js';
import type { ParameterSpec, PoolsSpec, RetryRule, SchedulerSpec } from './model.js';
import { seedProblem } from './seed.js';
import { DEFAULT_MEMORY_UNIT, MEMORY_UNITS, MEMORY_UNIT_NAMES } from './tags.js';
import { didYouMean, quote } from './text.js';
import { asNode, plainTagOk, readInteger, readSequence, readStringOrInt, scalarKind, tagClass, wrongType, type Field, type ReadContext } from './values.js';

/** A plain (untagged or standard-tagged) scalar, or undefined. */
const plainScalar = (node: Node): Scalar | undefined => (isScalar(node) && tagClass(node) !== 'gator' && tagClass(node) !== 'unknown' ? node : undefined);

export function readBoolean(ctx: ReadContext, field: Field): boolean | undefined {
  const node = field.node;
  if (!plainTagOk(ctx, node)) return undefined;
  const scalar = plainScalar(node);
  if (scalar !== undefined && scalarKind(ctx.src, scalar) === 'boolean') return scalar.value === true;
  return wrongType(ctx, node, `${field.name} must be true or false`);
}

/** A job's pinned seed: 1 … 2^32-1. */
export function readSeed(ctx: ReadContext, field: Field): number | undefined {
  const n = readInteger(ctx, field);
  if (n === undefined) return undefined;
  const problem = seedProblem(n, 'job');
  return problem === undefined ? n : ctx.problems.add(ctx.src.posOf(field.node), `seed: ${problem}`);
}

/**
 * A time limit in seconds: a duration (`90s`, `30m`, `2h`, `1h30m`) or a number of seconds.
 * `none` and 0 mean "no limit" (null), so a subtree can lift an inherited limit.
 */
export function readDuration(ctx: ReadContext, field: Field): number | null | undefined {
  const node = field.node;
  if (!plainTagOk(ctx, node)) return undefined;
  const scalar = plainScalar(node);
  if (scalar === undefined) return wrongType(ctx, node, `${field.name} must be a duration such as 90s, 30m or 2h`);
  const kind = scalarKind(ctx.src, scalar);
  let seconds: number;
  if (kind === 'integer' || kind === 'float') {
    seconds = Number(scalar.value);
  } else if (kind === 'string') {
    const text = String(scalar.value).trim();
    if (text === 'none') return null;
    const parsed = parseDuration(text);
    if (!parsed.ok) return ctx.problems.add(ctx.src.posOf(node), `${field.name}: ${parsed.problem}, or none`);
    seconds = parsed.seconds;
  } else {
    return wrongType(ctx, node, `${field.name} must be a duration such as 90s, 30m or 2h`);
  }
  if (seconds < 0) return ctx.problems.add(ctx.src.posOf(node), `${field.name} must not be negative`);
  if (!Number.isFinite(seconds)) return ctx.problems.add(ctx.src.posOf(node), `${field.name} must be a finite duration, or none`);
  return seconds === 0 ? null : seconds;
}

export function readRetries(ctx: ReadContext, field: Field): number | undefined {
  const n = readInteger(ctx, field);
  if (n === undefined) return undefined;
  if (n < 0 || n > 100) return ctx.problems.add(ctx.src.posOf(field.node), `retries must be from 0 to 100, not ${n}`);
  return n;
}

function retryRule(ctx: ReadContext, node: Node): RetryRule | undefined {
  if (!plainTagOk(ctx, node)) return undefined;
  const checked = (parsed: RuleParse, at: Node): RetryRule | undefined => {
    if (parsed.ok) return parsed.rule;
    const hint = parsed.problem.startsWith('unknown') ? `${didYouMean(parsed.word, RETRY_WORDS)}: use ${RETRY_RULE_HELP}` : '';
    return ctx.problems.add(ctx.src.posOf(at), `${parsed.problem.startsWith('unknown') ? '' : 'retry_on: '}${parsed.problem}${hint}`);
  };
  // `{exit: 3}` and `{output: 'regex'}` spare the quoting a regex needs after `output:`.
  if (isMap(node) && tagClass(node) === 'none' && node.items.length === 1) {
    const pair = node.items[0];
    const key = asNode(pair?.key);
    const value = asNode(pair?.value);
    const k = key !== null && isScalar(key) ? String(key.value) : '';
    if (value !== null && isScalar(value) && (k === 'exit' || k === 'output')) {
      const v: unknown = value.value;
      const text = typeof v === 'string' || typeof v === 'number' ? String(v) : '';
      return checked(k === 'exit' ? parseExitCode(text) : parseOutputPattern(text), value);
    }
  }
  const scalar = plainScalar(node);
  if (scalar === undefined || scalarKind(ctx.src, scalar) !== 'string') {
    return wrongType(ctx, node, `retry_on entries must be one of ${RETRY_RULE_HELP}`);
  }
  return checked(parseRetryRule(String(scalar.value)), node);
}

export function readRetryOn(ctx: ReadContext, field: Field): RetryRule[] | undefined {
  const items = readSequence(
    ctx,
    field,
    `retry_on must be a list of ${RETRY_RULE_HELP}`,
    isScalar(field.node) ? ` (write retry_on: [${String(field.node.value)}])` : '',
  );
  if (items === undefined) return undefined;
  const rules: RetryRule[] = [];
  let ok = true;
  for (const item of items) {
    const rule = retryRule(ctx, item);
    if (rule === undefined) ok = false;
    else rules.push(rule);
  }
  return ok ? rules : undefined;
}

const SCHEDULER_KEYS = ['partition', 'account', 'qos', 'time', 'args'];

/** `scheduler: {partition: short, account: chip, qos: high, time: 2h, args: [--constraint=avx2]}`. */
export function readScheduler(ctx: ReadContext, field: Field): SchedulerSpec | undefined {
  const node = field.node;
  if (!plainTagOk(ctx, node)) return undefined;
  if (!isMap(node) || tagClass(node) !== 'none') {
    return wrongType(ctx, node, 'scheduler must be a mapping such as {partition: short, time: 2h, args: [--constraint=avx2]}');
  }
  const out: { -readonly [K in keyof SchedulerSpec]: SchedulerSpec[K] } = {};
  let ok = true;
  for (const pair of node.items) {
    const rawKey = asNode(pair.key);
    const key = rawKey === null ? undefined : ctx.deref(rawKey);
    const rawValue = asNode(pair.value);
    const value = rawValue === null ? undefined : ctx.deref(rawValue);
    if (key === undefined || !isScalar(key) || !SCHEDULER_KEYS.includes(String(key.value))) {
      ok = false;
      if (key !== undefined)
        ctx.problems.add(
          ctx.src.posOf(key),
          `unknown key ${quote(String(isScalar(key) ? key.value : '?'))} in scheduler; allowed: ${SCHEDULER_KEYS.join(', ')}`,
        );
      continue;
    }
    const name = String(key.value);
    const keyPos = ctx.src.posOf(key);
    if (value === undefined) {
      ok = false;
      ctx.problems.add(keyPos, `scheduler ${name} has no value`);
      continue;
    }
    const inner: Field = { name: `scheduler ${name}`, node: value, keyPos };
    if (name === 'time') {
      const seconds = readDuration(ctx, inner);
      if (seconds === undefined) ok = false;
      else if (seconds !== null) out.timeSeconds = seconds;
    } else if (name === 'args') {
      const items = readSequence(ctx, inner, 'scheduler args must be a list of arguments, such as [--constraint=avx2, --exclusive]');
      if (items === undefined) {
        ok = false;
        continue;
      }
      const args: string[] = [];
      for (const item of items) {
        const arg = readStringOrInt(ctx, item, 'a scheduler argument', undefined);
        if (arg === undefined) ok = false;
        else args.push(arg);
      }
      out.args = args;
    } else {
      const text = readStringOrInt(ctx, value, `scheduler ${name}`, undefined);
      if (text === undefined || text.trim() === '') {
        ok = false;
        if (text !== undefined) ctx.problems.add(ctx.src.posOf(value), `scheduler ${name} must not be empty`);
        continue;
      }
      out[name as 'partition' | 'account' | 'qos'] = text.trim();
    }
  }
  return ok ? out : undefined;
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `parameters: {TEST: [smoke, fifo], MODE: [fast, full]}`: names are variables, values strings or integers. */
export function readParameters(ctx: ReadContext, field: Field): ParameterSpec[] | undefined {
  const node = field.node;
  if (!plainTagOk(ctx, node)) return undefined;
  if (!isMap(node) || tagClass(node) !== 'none') {
    return wrongType(ctx, node, 'parameters must be a mapping of variable names to lists of values (TEST: [smoke, fifo])');
  }
  const out: ParameterSpec[] = [];
  let ok = true;
  for (const pair of node.items) {
    const rawKey = asNode(pair.key);
    const key = rawKey === null ? undefined : ctx.deref(rawKey);
    if (key === undefined || !isScalar(key) || tagClass(key) !== 'none' || scalarKind(ctx.src, key) !== 'string') {
      ok = false;
      if (key !== undefined) wrongType(ctx, key, 'parameter names must be strings');
      continue;
    }
    const name = String(key.value);
    const pos = ctx.src.posOf(key);
    if (!VARIABLE_NAME.test(name) || name.startsWith('GATOR_')) {
      ok = false;
      ctx.problems.add(
        pos,
        name.startsWith('GATOR_')
          ? `parameter name ${quote(name)} is reserved: names starting with GATOR_ are Gator's own variables`
          : `bad parameter name ${quote(name)}: it becomes an environment variable, so use letters, digits and _ (not first)`,
      );
      continue;
    }
    const rawValue = asNode(pair.value);
    const valueNode = rawValue === null ? undefined : ctx.deref(rawValue);
    if (valueNode === undefined) {
      ok = false;
      if (rawValue === null) ctx.problems.add(pos, `parameter ${quote(name)} has no values: give a list, e.g. ${name}: [a, b]`);
      continue;
    }
    const items = readSequence(
      ctx,
      { name, node: valueNode, keyPos: pos },
      `the values of parameter ${quote(name)} must be a list`,
      isScalar(valueNode) ? ` (write ${name}: [${String(valueNode.value)}])` : '',
    );
    if (items === undefined) {
      ok = false;
      continue;
    }
    if (items.length === 0) {
      ok = false;
      ctx.problems.add(ctx.src.posOf(valueNode), `parameter ${quote(name)} has an empty list of values, so the array would run nothing`);
      continue;
    }
    const values: string[] = [];
    const seen = new Map<string, number>();
    for (const item of items) {
      const value = readStringOrInt(ctx, item, `a value of parameter ${quote(name)}`, undefined);
      if (value === undefined) {
        ok = false;
        continue;
      }
      const first = seen.get(value);
      if (first !== undefined) {
        ok = false;
        ctx.problems.add(ctx.src.posOf(item), `parameter ${quote(name)} lists the value ${quote(value)} twice (first at line ${first})`);
        continue;
      }
      seen.set(value, ctx.src.posOf(item).line);
      values.push(value);
    }
    out.push({ name, values, pos });
  }
  return ok ? out : undefined;
}

export type MemoryParse = { readonly ok: true; readonly bytes: number } | { readonly ok: false; readonly problem: string };

/** `1.5 GB`, `512` (MB, Gator's default unit), `16GiB`. */
export function parseMemory(text: string): MemoryParse {
  const m = /^(\d+(?:\.\d*)?|\.\d+)(?:\s*([A-Za-z]+))?$/.exec(text.trim());
  if (m === null) return { ok: false, problem: 'a memory size is a number and a unit, such as 1.5 GB or 512 MB' };
  const unitText = m[2] ?? DEFAULT_MEMORY_UNIT;
  const unit = MEMORY_UNITS.get(unitText.toLowerCase());
  if (unit === undefined) return { ok: false, problem: `unknown memory unit ${quote(unitText)}: use one of ${MEMORY_UNIT_NAMES}` };
  return { ok: true, bytes: Math.round(Number(m[1]) * unit.bytes) };
}

const POOL_FIELDS = ['cores', 'memory', 'licenses'];

/** `pools: {cores: 8, memory: 16 GB, licenses: {VCS: 2}}` on the top-level node. */
export function readPools(ctx: ReadContext, field: Field): PoolsSpec | undefined {
  const node = field.node;
  if (!plainTagOk(ctx, node)) return undefined;
  if (!isMap(node) || tagClass(node) !== 'none') {
    return wrongType(ctx, node, 'pools must be a mapping with cores, memory and licenses (pools: {cores: 8, licenses: {VCS: 2}})');
  }
  let ok = true;
  let cores: number | undefined;
  let memoryBytes: number | undefined;
  const licenses: Record<string, number> = {};
  for (const pair of node.items) {
    const rawKey = asNode(pair.key);
    const key = rawKey === null ? undefined : ctx.deref(rawKey);
    const name = key !== undefined && isScalar(key) ? String(key.value) : '';
    const keyPos = key === undefined ? ctx.src.posOf(node) : ctx.src.posOf(key);
    if (!POOL_FIELDS.includes(name)) {
      ok = false;
      ctx.problems.add(keyPos, `unknown pool ${quote(name)}${didYouMean(name, POOL_FIELDS)}: pools are ${POOL_FIELDS.join(', ')}`);
      continue;
    }
    const rawValue = asNode(pair.value);
    const value = rawValue === null ? undefined : ctx.deref(rawValue);
    if (value === undefined) {
      ok = false;
      if (rawValue === null) ctx.problems.add(keyPos, `pool ${name} has no value`);
      continue;
    }
    const sub: Field = { name: `pools.${name}`, node: value, keyPos };
    if (name === 'cores') {
      const n = readInteger(ctx, sub);
      if (n !== undefined && n < 1) ctx.problems.add(ctx.src.posOf(value), `pools.cores must be at least 1, not ${n}`);
      if (n === undefined || n < 1) ok = false;
      else cores = n;
    } else if (name === 'memory') {
      const scalar = plainScalar(value);
      const kind = scalar === undefined ? 'null' : scalarKind(ctx.src, scalar);
      if (scalar === undefined || !(kind === 'string' || kind === 'integer' || kind === 'float')) {
        ok = false;
        wrongType(ctx, value, 'pools.memory must be a size such as 16 GB');
        continue;
      }
      const parsed = parseMemory(String(scalar.value));
      if (!parsed.ok || parsed.bytes <= 0) {
        ok = false;
        ctx.problems.add(ctx.src.posOf(value), `pools.memory: ${parsed.ok ? 'must be more than 0' : parsed.problem}`);
      } else {
        memoryBytes = parsed.bytes;
      }
    } else {
      if (!isMap(value) || tagClass(value) !== 'none') {
        ok = false;
        wrongType(ctx, value, 'pools.licenses must be a mapping of licence names to counts (VCS: 2)');
        continue;
      }
      for (const lp of value.items) {
        const lk = asNode(lp.key);
        const lkey = lk === null ? undefined : ctx.deref(lk);
        if (lkey === undefined || !isScalar(lkey) || scalarKind(ctx.src, lkey) !== 'string' || String(lkey.value) === '') {
          ok = false;
          if (lkey !== undefined) wrongType(ctx, lkey, 'licence names must be non-empty strings');
          continue;
        }
        const lname = String(lkey.value);
        const lv = asNode(lp.value);
        const lvalue = lv === null ? undefined : ctx.deref(lv);
        if (lvalue === undefined) {
          ok = false;
          if (lv === null) ctx.problems.add(ctx.src.posOf(lkey), `licence ${quote(lname)} has no count`);
          continue;
        }
        const count = readInteger(ctx, { name: `the count of licence ${quote(lname)}`, node: lvalue, keyPos: ctx.src.posOf(lkey) });
        if (count !== undefined && count < 0) ctx.problems.add(ctx.src.posOf(lvalue), `the count of licence ${quote(lname)} must be 0 or more, not ${count}`);
        if (count === undefined || count < 0) ok = false;
        else Object.defineProperty(licenses, lname, { value: count, enumerable: true, writable: true, configurable: true });
      }
    }
  }
  if (!ok) return undefined;
  return { ...(cores === undefined ? {} : { cores }), ...(memoryBytes === undefined ? {} : { memoryBytes }), licenses, pos: ctx.src.posOf(node) };
}
