// The AST walk: YAML nodes with Gator's tags → NodeSpec. Every problem is reported with the
// position of the offending node, key or value, and reading carries on past it, so that the
// problem finally reported is the first one in the document (see problems.ts).
import { isAlias, isMap, isScalar, isSeq, type Node } from 'yaml';
import { CIRCULAR, type YamlSource } from './load.js';
import type { ArraySpec, DependencyRef, GroupSpec, JobSpec, NodeSpec, ResourceSpec, SourcePos, VerdictSpec } from './model.js';
import type { Problems } from './problems.js';
import {
  DEFAULT_MEMORY_UNIT,
  IDENT_ALIAS,
  MEMORY_UNITS,
  MEMORY_UNIT_NAMES,
  NODE_TAG_NAMES,
  RESOURCE_TAG_NAMES,
  TAGS,
  acceptsField,
  allowedFields,
  isNodeKind,
  type TagInfo,
} from './tags.js';
import { didYouMean, quote } from './text.js';
import { parseMemory, readBoolean, readDuration, readParameters, readPools, readRetries, readRetryOn, readScheduler, readSeed } from './control-values.js';
import { readLimits, readParsers, readPatterns, readStderr, type PatternField } from './verdict-fields.js';
import {
  asNode,
  describe,
  readArgs,
  readDeps,
  readEnv,
  readInteger,
  readNumber,
  readSequence,
  readString,
  scalarKind,
  tagClass,
  unknownTagProblem,
  type Field,
  type ReadContext,
} from './values.js';

/** A guard on alias use (cheap: aliased job nodes are read once, see #readNodes). */
const MAX_ALIAS_EXPANSIONS = 1_000_000;

const EMPTY_ENV: Readonly<Record<string, string>> = Object.freeze({});
const NONE: readonly never[] = Object.freeze([]);

interface Fields {
  readonly byName: Map<string, Field>;
  /** Fields written with a null value (`cwd:`), which count as absent; their key positions. */
  readonly nulls: Map<string, SourcePos>;
  /** False when a field could not even be attributed (unknown, duplicate id/ident, …). */
  readonly clean: boolean;
}

export interface ReadResult {
  readonly root: NodeSpec | undefined;
  /**
   * Groups and arrays whose `jobs` could not all be read (or whose children's idents or
   * dependencies could not): sibling checks on them would only report knock-on problems.
   */
  readonly tainted: ReadonlySet<NodeSpec>;
}

function isNullScalar(node: Node): boolean {
  return isScalar(node) && node.tag === undefined && (node.value === null || node.value === undefined);
}

/**
 * A tag with nothing after it (`- !JobGroup`). Under an application tag the YAML schema does
 * not resolve the empty scalar to null, so it arrives as '' with an empty source.
 */
function isBareTag(src: YamlSource, node: Node): boolean {
  if (!isScalar(node)) return false;
  if (node.value === null || node.value === undefined) return true;
  return node.value === '' && node.type === 'PLAIN' && src.sourceOf(node).trim() === '';
}

function untaggedHint(node: Node): string {
  if (!isMap(node)) return '';
  const keys = new Set(node.items.map((p) => (isScalar(p.key) ? String(p.key.value) : '')));
  if (keys.has('command')) return ' (add the !Job tag before it)';
  if (keys.has('repeats')) return ' (add the !JobArray tag before it)';
  if (keys.has('jobs')) return ' (add the !JobGroup tag before it)';
  return '';
}

class TreeReader implements ReadContext {
  readonly src: YamlSource;
  readonly problems: Problems;
  readonly tainted = new Set<NodeSpec>();
  #aliasBudget = MAX_ALIAS_EXPANSIONS;
  /**
   * Each YAML node holding a job, group or array is read once: an alias to it yields the same
   * NodeSpec. Specs that nest aliases ("billion laughs") stay linear to read; their expanded
   * size is bounded when planning.
   */
  readonly #readNodes = new Map<Node, NodeSpec | undefined>();

  constructor(src: YamlSource, problems: Problems) {
    this.src = src;
    this.problems = problems;
  }

  deref(node: Node): Node | undefined {
    if (!isAlias(node)) return node;
    if (--this.#aliasBudget < 0) {
      return this.problems.add(this.src.posOf(node), `too many alias expansions (more than ${MAX_ALIAS_EXPANSIONS})`);
    }
    const target = this.src.aliasTarget(node);
    if (target === undefined) return this.problems.add(this.src.posOf(node), `unknown alias *${node.source}`);
    if (target === CIRCULAR) {
      return this.problems.add(this.src.posOf(node), `alias *${node.source} is inside the node it names, so it would never end`);
    }
    return target;
  }

  /** `where` is 'top' or the index in the parent's `jobs`. Undefined: unusable for sibling checks. */
  readNode(raw: Node, where: 'top' | number): NodeSpec | undefined {
    const node = this.deref(raw);
    if (node === undefined) return undefined;
    if (this.#readNodes.has(node)) return this.#readNodes.get(node);
    const spec = this.#readNode(node, where);
    this.#readNodes.set(node, spec);
    return spec;
  }

  #readNode(node: Node, where: 'top' | number): NodeSpec | undefined {
    const pos = this.src.posOf(node);
    const place = where === 'top' ? 'the top level' : `entry ${where} of jobs`;
    const cls = tagClass(node);
    if (cls === 'unknown') return this.problems.add(pos, unknownTagProblem(node.tag ?? ''));
    const info = cls === 'gator' ? TAGS.get(node.tag ?? '') : undefined;
    if (info === undefined) {
      return this.problems.add(
        pos,
        `${place} must be a ${NODE_TAG_NAMES}, not ${cls === 'none' ? 'an untagged ' : ''}${describe(this.src, node).replace(/^an? /, '')}${untaggedHint(node)}`,
      );
    }
    if (!isNodeKind(info.kind)) {
      return this.problems.add(pos, `${info.tag} is a resource (it belongs in a job's resources); ${place} must be a ${NODE_TAG_NAMES}`);
    }
    const fields = this.#collect(node, info, pos);
    if (fields === undefined) return undefined;
    const { byName, nulls } = fields;
    let usable = fields.clean;

    const identField = byName.get('ident');
    const ident = identField === undefined ? undefined : readString(this, identField, false);
    if (identField !== undefined && ident === undefined) usable = false;
    const envField = byName.get('env');
    const envPos: Record<string, SourcePos> = {};
    const env = (envField === undefined ? undefined : readEnv(this, envField, envPos)) ?? EMPTY_ENV;
    const cwdField = byName.get('cwd');
    const cwd = cwdField === undefined ? undefined : readString(this, cwdField, true);
    const deps = (name: string): readonly DependencyRef[] => {
      const f = byName.get(name);
      if (f === undefined) return NONE;
      const refs = readDeps(this, f);
      if (refs === undefined) usable = false;
      return refs ?? NONE;
    };
    const fieldPos: Record<string, SourcePos> = {};
    for (const [name, f] of byName) fieldPos[name] = this.src.posOf(f.node);
    const control = readControl(this, byName);
    if (control === undefined) usable = false;
    const verdict = this.#readVerdict(byName);
    if (verdict === undefined) usable = false;
    const base = { ident, env, cwd, pos, fieldPos, envPos, ...control, ...verdict };

    let spec: NodeSpec;
    if (info.kind === 'job') {
      const commandField = byName.get('command');
      let command = commandField === undefined ? undefined : readString(this, commandField, true);
      if (commandField === undefined) {
        this.problems.add(
          nulls.get('command') ?? pos,
          `!Job ${ident === undefined ? '' : `${quote(ident)} `}has no command: every !Job needs one (the program to run)`,
        );
      } else if (command === '') {
        this.problems.add(this.src.posOf(commandField.node), 'command must not be empty');
        command = undefined;
      }
      const argsField = byName.get('args');
      const argPos: SourcePos[] = [];
      const args = (argsField === undefined ? undefined : readArgs(this, argsField, argPos)) ?? NONE;
      const resField = byName.get('resources');
      const resources = (resField === undefined ? undefined : this.#readResources(resField)) ?? NONE;
      const seedField = byName.get('seed');
      const seed = seedField === undefined ? undefined : readSeed(this, seedField);
      if (seedField !== undefined && seed === undefined) usable = false;
      const job: JobSpec = {
        kind: 'job',
        ...base,
        ...(seed === undefined ? {} : { seed }),
        onPass: deps('on_pass'),
        onFail: deps('on_fail'),
        onDone: deps('on_done'),
        command: command ?? '',
        args,
        argPos,
        resources,
      };
      spec = job;
    } else {
      let repeats = 1;
      if (info.kind === 'array') {
        const repeatsField = byName.get('repeats');
        if (repeatsField !== undefined) repeats = readInteger(this, repeatsField) ?? 0;
      }
      const jobsField = byName.get('jobs');
      const read = jobsField === undefined ? { jobs: NONE, complete: true } : this.#readJobs(jobsField);
      const onPass = deps('on_pass');
      const onFail = deps('on_fail');
      const onDone = deps('on_done');
      const tier = readTierControl(this, byName);
      if (tier === undefined) usable = false;
      if (info.kind === 'array') {
        const parametersField = byName.get('parameters');
        const parameters = parametersField === undefined ? undefined : readParameters(this, parametersField);
        if (parametersField !== undefined && parameters === undefined) usable = false;
        const array: ArraySpec = {
          kind: 'array',
          ...base,
          ...tier,
          onPass,
          onFail,
          onDone,
          repeats,
          jobs: read.jobs,
          ...(parameters === undefined ? {} : { parameters }),
        };
        spec = array;
      } else {
        const group: GroupSpec = { kind: 'group', ...base, ...tier, onPass, onFail, onDone, jobs: read.jobs };
        spec = group;
      }
      if (!read.complete) this.tainted.add(spec);
    }
    return usable ? spec : undefined;
  }

  /** parsers, the pattern lists, limits and stderr; undefined when one of them was bad (reported). */
  #readVerdict(byName: ReadonlyMap<string, Field>): VerdictSpec | undefined {
    const verdict: { -readonly [K in keyof VerdictSpec]: VerdictSpec[K] } = {};
    let ok = true;
    const read = <T>(name: string, reader: (field: Field) => T | undefined, set: (value: T) => void): void => {
      const field = byName.get(name);
      if (field === undefined) return;
      const value = reader(field);
      if (value === undefined) ok = false;
      else set(value);
    };
    const patterns = (name: PatternField) => (field: Field) => readPatterns(this, { ...field, name });
    read(
      'parsers',
      (f) => readParsers(this, f),
      (v) => (verdict.parsers = v),
    );
    read('fail_patterns', patterns('fail_patterns'), (v) => (verdict.failPatterns = v));
    read('pass_patterns', patterns('pass_patterns'), (v) => (verdict.passPatterns = v));
    read('ignore_patterns', patterns('ignore_patterns'), (v) => (verdict.ignorePatterns = v));
    read('severity_patterns', patterns('severity_patterns'), (v) => (verdict.severityPatterns = v));
    read(
      'limits',
      (f) => readLimits(this, f),
      (v) => (verdict.limits = v),
    );
    read(
      'stderr',
      (f) => readStderr(this, f),
      (v) => (verdict.stderr = v),
    );
    return ok ? verdict : undefined;
  }

  #readJobs(field: Field): { jobs: readonly NodeSpec[]; complete: boolean } {
    const items = readSequence(this, field, `jobs must be a sequence (a list) of ${NODE_TAG_NAMES}`);
    if (items === undefined) return { jobs: NONE, complete: false };
    const jobs: NodeSpec[] = [];
    let complete = true;
    items.forEach((item, i) => {
      const child = this.readNode(item, i);
      if (child === undefined) complete = false;
      else jobs.push(child);
    });
    return { jobs, complete };
  }

  /** Mapping form (by name), sequence form (by position) or a bare tag (no fields). */
  #collect(node: Node, info: TagInfo, pos: SourcePos): Fields | undefined {
    const byName = new Map<string, Field>();
    const nulls = new Map<string, SourcePos>();
    let clean = true;
    const put = (name: string, raw: Node | null, keyPos: SourcePos): void => {
      if (raw === null) {
        nulls.set(name, keyPos);
        return;
      }
      const value = this.deref(raw);
      if (value === undefined) clean = false;
      else if (isNullScalar(value)) nulls.set(name, keyPos);
      else byName.set(name, { name, node: value, keyPos });
    };

    if (isMap(node)) {
      let identSpelling: string | undefined;
      for (const pair of node.items) {
        const keyNode = asNode(pair.key);
        const key = keyNode === null ? undefined : this.deref(keyNode);
        if (key === undefined || !isScalar(key) || tagClass(key) !== 'none' || scalarKind(this.src, key) !== 'string') {
          clean = false;
          this.problems.add(
            key === undefined ? pos : this.src.posOf(key),
            `field names of ${info.tag} must be plain strings${key === undefined ? '' : `, not ${describe(this.src, key)}`}`,
          );
          continue;
        }
        let name = String(key.value);
        const keyPos = this.src.posOf(key);
        if ((name === IDENT_ALIAS || name === 'ident') && info.fields.includes('ident')) {
          if (identSpelling !== undefined && identSpelling !== name) {
            clean = false;
            this.problems.add(keyPos, `both 'id' and 'ident' are given: they name the same field, give only one`);
            continue;
          }
          identSpelling = name;
          name = 'ident';
        }
        if (!acceptsField(info, name)) {
          clean = false;
          const known = [...info.fields, ...info.named, ...(info.fields.includes('ident') ? [IDENT_ALIAS] : [])];
          const merge = name === '<<' ? ' (YAML merge keys are not supported)' : didYouMean(name, known);
          this.problems.add(keyPos, `unknown field ${quote(name)} in ${info.tag}${merge}; allowed fields: ${allowedFields(info)}`);
          continue;
        }
        put(name, asNode(pair.value), keyPos);
      }
      return { byName, nulls, clean };
    }
    if (isSeq(node)) {
      const max = info.fields.length;
      node.items.forEach((item, i) => {
        const itemNode = asNode(item);
        const name = info.fields[i];
        if (name === undefined) {
          if (i === max) {
            clean = false;
            this.problems.add(
              itemNode === null ? pos : this.src.posOf(itemNode),
              `${info.tag} takes at most ${max} positional field${max === 1 ? '' : 's'} (${info.fields.join(', ')}), but ${node.items.length} are given`,
            );
          }
          return;
        }
        put(name, itemNode, itemNode === null ? pos : this.src.posOf(itemNode));
      });
      return { byName, nulls, clean };
    }
    if (isBareTag(this.src, node)) return { byName, nulls, clean };
    return this.problems.add(
      pos,
      `${info.tag} must be a mapping (field: value) or a sequence of positional fields (${info.fields.join(', ')}), not ${describe(this.src, node, true)}`,
    );
  }

  #readResources(field: Field): ResourceSpec[] | undefined {
    const items = readSequence(this, field, `resources must be a sequence (a list) of ${RESOURCE_TAG_NAMES}`);
    if (items === undefined) return undefined;
    const resources: ResourceSpec[] = [];
    let ok = true;
    let cores: ResourceSpec | undefined;
    let memory: ResourceSpec | undefined;
    const licenses = new Map<string, ResourceSpec>();
    items.forEach((item, i) => {
      const r = this.#readResource(item, i);
      if (r === undefined) {
        ok = false;
        return;
      }
      if (r.kind === 'license') {
        const first = licenses.get(r.name);
        if (first !== undefined) {
          ok = false;
          this.problems.add(
            r.pos,
            `license ${quote(r.name)} is requested twice in one job (first at line ${first.pos.line}): give one !License with the total count`,
          );
          return;
        }
        licenses.set(r.name, r);
      } else {
        const first = r.kind === 'cores' ? cores : memory;
        if (first !== undefined) {
          ok = false;
          const tag = r.kind === 'cores' ? '!Cores' : '!Memory';
          this.problems.add(r.pos, `more than one ${tag} resource request in one job (the first is at line ${first.pos.line})`);
          return;
        }
        if (r.kind === 'cores') cores = r;
        else memory = r;
      }
      resources.push(r);
    });
    return ok ? resources : undefined;
  }

  #readResource(raw: Node, index: number): ResourceSpec | undefined {
    const node = this.deref(raw);
    if (node === undefined) return undefined;
    const pos = this.src.posOf(node);
    const cls = tagClass(node);
    if (cls === 'unknown') return this.problems.add(pos, unknownTagProblem(node.tag ?? ''));
    const info = cls === 'gator' ? TAGS.get(node.tag ?? '') : undefined;
    if (info === undefined || isNodeKind(info.kind)) {
      return this.problems.add(pos, `resources entry ${index} must be a ${RESOURCE_TAG_NAMES}, not ${describe(this.src, node)}`);
    }
    if (isScalar(node) && !isBareTag(this.src, node)) return this.#scalarResource(node, info, pos);
    const fields = this.#collect(node, info, pos);
    if (fields === undefined || !fields.clean) return undefined;
    const need = (name: string): Field | undefined => {
      const f = fields.byName.get(name);
      if (f === undefined) this.problems.add(fields.nulls.get(name) ?? pos, `${info.tag} needs a ${name}`);
      return f;
    };
    const count = (f: Field | undefined): number | undefined => {
      if (f === undefined) return undefined;
      const n = readInteger(this, f);
      if (n !== undefined && n < 0) return this.problems.add(this.src.posOf(f.node), `${f.name} must be an integer >= 0, not ${n}`);
      return n;
    };
    switch (info.kind) {
      case 'cores': {
        const n = count(need('count'));
        return n === undefined ? undefined : { kind: 'cores', count: n, pos };
      }
      case 'memory': {
        const sizeField = need('size');
        const size = sizeField === undefined ? undefined : readNumber(this, sizeField);
        if (sizeField !== undefined && size !== undefined && size < 0) {
          return this.problems.add(this.src.posOf(sizeField.node), `size must be zero or more, not ${size}`);
        }
        const unitField = fields.byName.get('unit');
        const unitText = unitField === undefined ? DEFAULT_MEMORY_UNIT : readString(this, unitField, false);
        if (unitText === undefined) return undefined;
        const unit = this.#unit(unitText, unitField === undefined ? pos : this.src.posOf(unitField.node));
        if (size === undefined || unit === undefined) return undefined;
        return { kind: 'memory', bytes: Math.round(size * unit), pos };
      }
      case 'license': {
        const nameField = need('name');
        const name = nameField === undefined ? undefined : readString(this, nameField, false);
        if (nameField !== undefined && name === '') return this.problems.add(this.src.posOf(nameField.node), 'license name must not be empty');
        const countField = fields.byName.get('count');
        const n = countField === undefined ? 1 : count(countField);
        if (name === undefined || n === undefined) return undefined;
        return { kind: 'license', name, count: n, pos };
      }
      default:
        return undefined;
    }
  }

  #unit(text: string, pos: SourcePos): number | undefined {
    const unit = MEMORY_UNITS.get(text.trim().toLowerCase());
    if (unit === undefined) {
      return this.problems.add(pos, `unknown memory unit ${quote(text.trim())}: use one of ${MEMORY_UNIT_NAMES}`);
    }
    return unit.bytes;
  }

  /**
   * `!Cores 4`, `!Memory 512` (MB), `!Memory 1.5 GB`, `!License ToolA`: shorthand forms. A
   * scalar under an application tag is not resolved by the YAML schema, so `!Cores 4` arrives
   * as the string "4" and is parsed here.
   */
  #scalarResource(node: Node, info: TagInfo, pos: SourcePos): ResourceSpec | undefined {
    if (!isScalar(node)) return undefined;
    const text = String(node.value).trim();
    const shown = describe(this.src, node, true);
    switch (info.kind) {
      case 'cores':
        if (/^\+?\d+$/.test(text)) return { kind: 'cores', count: Number(text), pos };
        return this.problems.add(pos, `!Cores takes a count >= 0 (!Cores 4, !Cores [4] or !Cores {count: 4}), not ${shown}`);
      case 'memory': {
        const parsed = parseMemory(text);
        if (parsed.ok) return { kind: 'memory', bytes: parsed.bytes, pos };
        if (parsed.problem.startsWith('unknown memory unit')) return this.problems.add(pos, parsed.problem);
        return this.problems.add(pos, `!Memory takes a size and a unit (!Memory 1.5 GB, !Memory [1.5, GB] or !Memory {size: 1.5, unit: GB}), not ${shown}`);
      }
      case 'license':
        if (text !== '') return { kind: 'license', name: text, count: 1, pos };
        return this.problems.add(pos, `!License takes a name (!License ToolA, !License [ToolA, 2] or !License {name: ToolA, count: 2}), not ${shown}`);
      default:
        return undefined;
    }
  }
}

type Control = Pick<NodeSpec, 'timeout' | 'retries' | 'retryOn' | 'mkdir' | 'scheduler'>;

/** The fields every node kind has for regression control; undefined when one was wrong. */
function readControl(ctx: ReadContext, byName: ReadonlyMap<string, Field>): Control | undefined {
  let ok = true;
  const out: { -readonly [K in keyof Control]: Control[K] } = {};
  const timeoutField = byName.get('timeout');
  if (timeoutField !== undefined) {
    const t = readDuration(ctx, timeoutField);
    if (t === undefined) ok = false;
    else out.timeout = t;
  }
  const retriesField = byName.get('retries');
  if (retriesField !== undefined) {
    const n = readRetries(ctx, retriesField);
    if (n === undefined) ok = false;
    else out.retries = n;
  }
  const retryOnField = byName.get('retry_on');
  if (retryOnField !== undefined) {
    const rules = readRetryOn(ctx, retryOnField);
    if (rules === undefined) ok = false;
    else out.retryOn = rules;
  }
  const mkdirField = byName.get('mkdir');
  if (mkdirField !== undefined) {
    const b = readBoolean(ctx, mkdirField);
    if (b === undefined) ok = false;
    else out.mkdir = b;
  }
  const schedulerField = byName.get('scheduler');
  if (schedulerField !== undefined) {
    const scheduler = readScheduler(ctx, schedulerField);
    if (scheduler === undefined) ok = false;
    else out.scheduler = scheduler;
  }
  return ok ? out : undefined;
}

type TierControl = Pick<GroupSpec, 'groupTimeout' | 'pools'>;

function readTierControl(ctx: ReadContext, byName: ReadonlyMap<string, Field>): TierControl | undefined {
  let ok = true;
  const out: { -readonly [K in keyof TierControl]: TierControl[K] } = {};
  const timeoutField = byName.get('group_timeout');
  if (timeoutField !== undefined) {
    const t = readDuration(ctx, timeoutField);
    if (t === undefined) ok = false;
    else out.groupTimeout = t;
  }
  const poolsField = byName.get('pools');
  if (poolsField !== undefined) {
    const pools = readPools(ctx, poolsField);
    if (pools === undefined) ok = false;
    else out.pools = pools;
  }
  return ok ? out : undefined;
}

export function readTree(src: YamlSource, problems: Problems): ReadResult {
  const reader = new TreeReader(src, problems);
  const contents = src.doc.contents;
  const root = contents === null ? undefined : reader.readNode(contents, 'top');
  return { root, tainted: reader.tainted };
}
