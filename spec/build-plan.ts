// NodeSpec → Plan: unrolls arrays (repeats and parameter products), overlays environments,
// gives every job its seed, expands variables, resolves dependencies to sibling ids and settles
// each job's timeout and retry policy. Built for arrays of 100,000+ instances: one pass,
// pre-order ids computed from subtree sizes (so a dependency can name an id before that node
// is built), and everything that does not vary between instances (deps lists, args without
// `$`, resources, policies, positions, cwd) is computed once and shared, while each instance
// gets exactly one env object.
import { basename, extname, resolve } from 'node:path';
import { SpecError } from './errors.js';
import { expandVars, hasVariables, type Lookup, type OnUnset } from './expand.js';
import { arrayInstances, instanceCount, type ArrayInstance } from './instance-names.js';
import type { ArraySpec, JobSpec, NodeSpec, RetryRule, SchedulerSpec, SourcePos } from './model.js';
import type { JobPolicy, Plan, PlannedDeps, PlannedGroup, PlannedJob, PlannedNode, PlannedResources, SeedTemplate, SpecWarning } from './plan.js';
import { Problems } from './problems.js';
import { deriveSeed, randomRunSeed } from './seed.js';
import { quote } from './text.js';
import { checkTree, childName, identProblem } from './validate.js';
import { DEFAULT_VERDICT, deriveVerdict, type PlannedVerdict } from './verdict-rules.js';

export interface PlanOptions {
  /** The spec file (relative to launchDir or absolute); its stem names an unnamed root. */
  readonly specPath: string;
  /** Where `gator` was started: the default cwd, and the base for relative cwds. */
  readonly launchDir: string;
  /** The OS environment jobs inherit; spec env overlays it and `$VAR` reads it. */
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  /** Names the root when the spec does not (e.g. `--id`). */
  readonly rootIdent?: string;
  /** Every job's seed derives from it (`--seed`); drawn at random when absent. */
  readonly runSeed?: number;
  /** Seconds, for jobs whose spec sets no `timeout:` (`--timeout`); absent or null: none. */
  readonly defaultTimeout?: number | null;
  /** Scales every job and group timeout (`--timeout-multiplier`); 0 lifts them all. Default 1. */
  readonly timeoutMultiplier?: number;
}

/**
 * The most jobs, groups and arrays one run holds: what this runner runs on a 2-core machine
 * with Ctrl+C acting within about a second at every step. Measured at 250,000 nodes (a loaded
 * machine): planning 0.3 s, the database made in slices of 20,000 rows (3.6 s in all, a stop
 * checked between slices), the plan handed to the threads in 0.5-1.2 s (one structured clone,
 * the longest step Ctrl+C waits for), 470 MB at most; Ctrl+C while it runs shows STOP at once
 * and the run ends within 2 s. At 1,000,000 the hand-over alone took 7 s, the first job started
 * after 19 s and the runner grew to 2.3 GB; 10,000,000 (the earlier cap) never started a job.
 */
export const MAX_PLAN_NODES = 250_000;

/** What a failed attempt is retried on when the spec does not say: the nf-core idiom. */
export const DEFAULT_RETRY_ON: readonly RetryRule[] = Object.freeze([{ kind: 'signal' }, { kind: 'timeout' }]);

/** The policy of a job nothing sets anything for: no timeout, no retries. */
export const DEFAULT_JOB_POLICY: JobPolicy = Object.freeze({ timeout: null, retry: Object.freeze({ retries: 0, on: DEFAULT_RETRY_ON }), mkdir: false });

type Env = Readonly<Record<string, string>>;

const EMPTY_ENV: Env = Object.freeze({});
const NO_IDS: readonly number[] = Object.freeze([]);
const NO_INDICES: readonly number[] = Object.freeze([]);
const NO_DEPS: PlannedDeps = Object.freeze({ pass: NO_IDS, fail: NO_IDS, done: NO_IDS });
const NO_DEFERRED: readonly Deferred[] = Object.freeze([]);

/**
 * Stands for the seed while a job's strings are expanded, so that the places the seed lands in
 * can be found afterwards (for a rerun with new seeds). It holds NUL, which no environment
 * value, argument or path can contain.
 */
const SEED_MARK = '\u0000GATOR_SEED\u0000';
const SEED_VAR = 'GATOR_SEED';
/**
 * The job's API endpoint exists only once the job starts, so `$GATOR_PARENT` is left for the
 * job's own shell to expand (`sh -c 'curl http://$GATOR_PARENT/metric …'`), never expanded here
 * (to empty, or to the endpoint of a job this run itself runs in).
 */
const JOB_API_VAR = 'GATOR_PARENT';

/** Settings inherited down the tree; absent fields are not set by any ancestor. */
interface Inherited {
  readonly timeout?: number | null;
  readonly retries?: number;
  readonly retryOn?: readonly RetryRule[];
  readonly mkdir?: boolean;
  readonly scheduler?: SchedulerSpec;
}

/** A node's `scheduler:` over what it inherits: each field it sets wins; `args` add up. */
const mergeScheduler = (from: SchedulerSpec | undefined, own: SchedulerSpec): SchedulerSpec =>
  from === undefined
    ? own
    : Object.freeze({ ...from, ...own, ...(from.args !== undefined && own.args !== undefined ? { args: [...from.args, ...own.args] } : {}) });

const NOTHING_INHERITED: Inherited = Object.freeze({});

/** What a node inherits from its parent, plus the id and name the parent gave it. */
interface Frame {
  readonly id: number;
  readonly parentId: number | null;
  readonly ident: string;
  readonly path: string;
  readonly indices: readonly number[];
  /** GATOR_ARRAY_INDICES text for `indices`, or undefined outside arrays. */
  readonly indicesText: string | undefined;
  /** The env the spec layers above this node add. */
  readonly env: Env;
  /** Variables this array instance adds on top of `env` (index variables, parameters), or null. */
  readonly vars: Env | null;
  /** Env entries above that use GATOR_SEED: expanded per job, since each job has its own seed. */
  readonly deferred: readonly Deferred[];
  /** The nearest cwd written above this node, unexpanded (expansion is per job). */
  readonly cwd: string | undefined;
  readonly deps: PlannedDeps;
  readonly inherited: Inherited;
  readonly params: Readonly<Record<string, string>> | null;
  /** Parsers, patterns and limits the layers above this node set. */
  readonly verdict: PlannedVerdict;
}

/** Defines `__proto__` as a plain entry: Object.assign would treat it as the prototype setter. */
function copyProto(out: Record<string, string>, layer: Env): void {
  if (Object.hasOwn(layer, '__proto__')) {
    Object.defineProperty(out, '__proto__', { value: layer['__proto__'], enumerable: true, writable: true, configurable: true });
  }
}

/**
 * The layers merged left to right into a new plain object. Object.assign rather than spread:
 * V8 gives `{...base, K: v}` a fresh hidden class per call, which for 100,000 instances costs
 * more memory than the env objects themselves, while assign-onto-{} follows shared transitions.
 */
function overlay(base: Env, top: Env, top2?: Env): Env {
  const out: Record<string, string> = top2 === undefined ? Object.assign({}, base, top) : Object.assign({}, base, top, top2);
  copyProto(out, base);
  copyProto(out, top);
  if (top2 !== undefined) copyProto(out, top2);
  return out;
}

/** `indices` plus `i`, allocated at its exact length (spread over-allocates the backing store). */
function withIndex(indices: readonly number[], i: number): readonly number[] {
  if (indices.length === 0) return [i];
  const out = new Array<number>(indices.length + 1);
  for (let k = 0; k < indices.length; k++) out[k] = indices[k] ?? 0;
  out[indices.length] = i;
  return out;
}

function stemIdent(specPath: string): string {
  const base = basename(specPath, extname(specPath)).replace(/[./\s]+/g, '_');
  return base === '' ? 'root' : base;
}

/** A group's env entry expanded per job (it uses the seed): name, template, where it was written. */
type Deferred = readonly [name: string, template: string, pos: SourcePos];

/** Collects where the seed landed in a job's strings, replacing the mark by the seed. */
class SeedSpots {
  argv: Record<number, readonly string[]> | undefined;
  env: Record<string, readonly string[]> | undefined;
  cwd: readonly string[] | undefined;
  readonly #seed: string;

  constructor(seed: string) {
    this.#seed = seed;
  }

  /** `text` with the seed in place of each mark, noting the pieces under `record`. */
  take(text: string, record: (pieces: readonly string[]) => void): string {
    if (!text.includes(SEED_MARK)) return text;
    const pieces = text.split(SEED_MARK);
    record(pieces);
    return pieces.join(this.#seed);
  }

  template(pinned: boolean): SeedTemplate | null {
    if (this.argv === undefined && this.env === undefined && this.cwd === undefined && !pinned) return null;
    return {
      ...(pinned ? { pinned: true as const } : {}),
      ...(this.argv === undefined ? {} : { argv: this.argv }),
      ...(this.cwd === undefined ? {} : { cwd: this.cwd }),
      ...(this.env === undefined ? {} : { env: this.env }),
    };
  }
}

interface TimeoutSettings {
  readonly defaultTimeout: number | null;
  readonly multiplier: number;
}

class PlanBuilder {
  readonly nodes: PlannedNode[] = [];
  jobCount = 0;
  readonly #baseEnv: Readonly<Record<string, string | undefined>>;
  readonly #launchDir: string;
  readonly #runSeed: number;
  readonly #timeouts: TimeoutSettings;
  readonly #sizes = new Map<NodeSpec, number>();
  readonly #resources = new Map<JobSpec, PlannedResources>();
  readonly #templated = new Map<JobSpec, { readonly command: boolean; readonly args: boolean }>();
  readonly #ownEnv = new Map<
    NodeSpec,
    { readonly entries: [string, string][]; readonly templated: boolean; readonly plain: Env; readonly deferred: Deferred[] }
  >();
  readonly #resolvedCwd = new Map<string, string>();
  /** By spec location and name: an array of 10,000 instances warns once. */
  readonly #warnings = new Map<string, SpecWarning>();
  readonly #instances = new Map<ArraySpec, ArrayInstance[]>();
  /** One entry per spec node: array instances share their parent's inherited settings. */
  readonly #inheritedCache = new Map<NodeSpec, { readonly from: Inherited; readonly to: Inherited }>();
  readonly #policyCache = new Map<JobSpec, { readonly from: Inherited; readonly policy: JobPolicy }>();
  /** Per spec node, its verdict rules for each parent's rules seen (array instances share one). */
  readonly #verdicts = new Map<NodeSpec, Map<PlannedVerdict, PlannedVerdict>>();

  constructor(baseEnv: Readonly<Record<string, string | undefined>>, launchDir: string, runSeed: number, timeouts: TimeoutSettings) {
    this.#baseEnv = baseEnv;
    this.#launchDir = launchDir;
    this.#runSeed = runSeed;
    this.#timeouts = timeouts;
  }

  /** Number of plan nodes `spec` expands to (itself included). */
  size(spec: NodeSpec): number {
    const known = this.#sizes.get(spec);
    if (known !== undefined) return known;
    let size = 1;
    if (spec.kind !== 'job') {
      let block = 0;
      for (const child of spec.jobs) block += this.size(child);
      size += (spec.kind === 'array' ? instanceCount(spec.parameters, spec.repeats) : 1) * block;
    }
    if (size > MAX_PLAN_NODES) {
      throw SpecError.at(
        spec.fieldPos?.['repeats'] ?? spec.fieldPos?.['parameters'] ?? spec.pos,
        `this spec expands to ${size} jobs, groups and arrays, more than the ${MAX_PLAN_NODES} one run can hold; split the regression into several runs`,
      );
    }
    this.#sizes.set(spec, size);
    return size;
  }

  /** Warnings in document order. */
  get warnings(): SpecWarning[] {
    return [...this.#warnings.values()].sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col);
  }

  /** Notes, for the string written at `pos`, each variable that expands to empty because it is unset. */
  #unsetAt(pos: SourcePos): OnUnset {
    return (name) => {
      const key = `${pos.line}:${pos.col}:${name}`;
      if (this.#warnings.has(key)) return;
      this.#warnings.set(key, { pos, message: `$${name} is not set and expands to empty; write $$${name} for a literal $` });
    };
  }

  #envPos(spec: NodeSpec, name: string): SourcePos {
    return spec.envPos?.[name] ?? spec.fieldPos?.['env'] ?? spec.pos;
  }

  #lookup(env: Env): Lookup {
    const base = this.#baseEnv;
    return (name) => (name === JOB_API_VAR ? `$${JOB_API_VAR}` : Object.hasOwn(env, name) ? env[name] : base[name]);
  }

  #own(spec: NodeSpec): {
    readonly entries: [string, string][];
    readonly templated: boolean;
    readonly plain: Env;
    readonly deferred: Deferred[];
  } {
    let own = this.#ownEnv.get(spec);
    if (own === undefined) {
      const all = Object.entries(spec.env);
      // A group's value that uses the seed cannot be expanded once for the group.
      const deferred: Deferred[] = spec.kind === 'job' ? [] : all.filter(([, v]) => v.includes(SEED_VAR)).map(([k, v]) => [k, v, this.#envPos(spec, k)]);
      const entries = deferred.length === 0 ? all : all.filter(([, v]) => !v.includes(SEED_VAR));
      const plain = deferred.length === 0 ? spec.env : Object.fromEntries(entries);
      own = { entries, templated: entries.some(([, v]) => hasVariables(v)), plain, deferred };
      this.#ownEnv.set(spec, own);
    }
    return own;
  }

  /** The parent's env with this node's own env on top, values expanded against the parent's. */
  #layerEnv(spec: NodeSpec, inherited: Env, lookupOf: (env: Env) => Lookup = (env) => this.#lookup(env)): Env {
    const own = this.#own(spec);
    if (own.entries.length === 0) return inherited;
    if (!own.templated) return overlay(inherited, own.plain);
    const lookup = lookupOf(inherited);
    return overlay(inherited, Object.fromEntries(own.entries.map(([k, v]) => [k, expandVars(v, lookup, this.#unsetAt(this.#envPos(spec, k)))])));
  }

  /** Deferred entries left after this node's own env (a name set lower down replaces one above). */
  #deferredBelow(spec: NodeSpec, deferred: readonly Deferred[]): readonly Deferred[] {
    const own = this.#own(spec);
    if (own.entries.length === 0 && own.deferred.length === 0) return deferred;
    const mine = new Set([...own.entries.map(([k]) => k), ...own.deferred.map(([k]) => k)]);
    const kept = deferred.filter(([k]) => !mine.has(k));
    return own.deferred.length === 0 && kept.length === deferred.length ? deferred : [...kept, ...own.deferred];
  }

  #inheritedFor(spec: NodeSpec, from: Inherited): Inherited {
    if (spec.timeout === undefined && spec.retries === undefined && spec.retryOn === undefined && spec.mkdir === undefined && spec.scheduler === undefined) {
      return from;
    }
    const cached = this.#inheritedCache.get(spec);
    if (cached !== undefined && cached.from === from) return cached.to;
    const to: Inherited = Object.freeze({
      ...from,
      ...(spec.timeout === undefined ? {} : { timeout: spec.timeout }),
      ...(spec.retries === undefined ? {} : { retries: spec.retries }),
      ...(spec.retryOn === undefined ? {} : { retryOn: spec.retryOn }),
      ...(spec.mkdir === undefined ? {} : { mkdir: spec.mkdir }),
      ...(spec.scheduler === undefined ? {} : { scheduler: mergeScheduler(from.scheduler, spec.scheduler) }),
    });
    this.#inheritedCache.set(spec, { from, to });
    return to;
  }

  /** The job's scheduler options, shaped as the plan carries them; nothing when none are set. */
  #schedulerOf(spec: JobSpec, inherited: Inherited): { scheduler?: NonNullable<PlannedJob['scheduler']> } {
    const scheduler = this.#inheritedFor(spec, inherited).scheduler;
    if (scheduler === undefined) return {};
    const { args, ...rest } = scheduler;
    return { scheduler: { ...rest, ...(args === undefined ? {} : { extraArgs: args }) } };
  }

  /** A limit after `--timeout-multiplier` (0 lifts every limit). */
  #scaled(seconds: number | null | undefined): number | null {
    if (seconds === null || seconds === undefined || this.#timeouts.multiplier === 0) return null;
    return seconds * this.#timeouts.multiplier;
  }

  #policy(spec: JobSpec, inherited: Inherited): JobPolicy {
    const cached = this.#policyCache.get(spec);
    if (cached !== undefined && cached.from === inherited) return cached.policy;
    const all = this.#inheritedFor(spec, inherited);
    const policy: JobPolicy = Object.freeze({
      timeout: this.#scaled(all.timeout === undefined ? this.#timeouts.defaultTimeout : all.timeout),
      retry: Object.freeze({ retries: all.retries ?? 0, on: all.retryOn ?? DEFAULT_RETRY_ON }),
      mkdir: all.mkdir ?? false,
    });
    this.#policyCache.set(spec, { from: inherited, policy });
    return policy;
  }

  #verdictOf(spec: NodeSpec, inherited: PlannedVerdict): PlannedVerdict {
    let byParent = this.#verdicts.get(spec);
    if (byParent === undefined) {
      byParent = new Map();
      this.#verdicts.set(spec, byParent);
    }
    let verdict = byParent.get(inherited);
    if (verdict === undefined) {
      verdict = deriveVerdict(spec, inherited);
      byParent.set(inherited, verdict);
    }
    return verdict;
  }

  visit(spec: NodeSpec, frame: Frame): void {
    const cwd = spec.cwd ?? frame.cwd;
    const arrayIndex = frame.indices.length === 0 ? null : (frame.indices[frame.indices.length - 1] ?? null);
    const subtreeEnd = frame.id + this.size(spec) - 1;
    if (spec.kind === 'job') {
      this.nodes.push(this.#job(spec, frame, cwd, arrayIndex, subtreeEnd));
      this.jobCount++;
      return;
    }
    const env = this.#layerEnv(spec, frame.vars === null ? frame.env : overlay(frame.env, frame.vars));
    const deferred = this.#deferredBelow(spec, frame.deferred);
    const inherited = this.#inheritedFor(spec, frame.inherited);
    const verdict = this.#verdictOf(spec, frame.verdict);
    const children: number[] = [];
    const group: PlannedGroup = {
      id: frame.id,
      parentId: frame.parentId,
      kind: spec.kind,
      ident: frame.ident,
      path: frame.path,
      arrayIndex,
      arrayIndices: frame.indices,
      subtreeEnd,
      deps: frame.deps,
      pos: spec.pos,
      children,
      groupTimeout: this.#scaled(spec.groupTimeout),
    };
    this.nodes.push(group);

    const kids = spec.jobs;
    const names = kids.map(childName);
    const offsets: number[] = [];
    let block = 0;
    for (const child of kids) {
      offsets.push(block);
      block += this.size(child);
    }
    const first = frame.id + 1;
    if (spec.kind === 'group') {
      const ids = offsets.map((o) => first + o);
      children.push(...ids);
      const deps = this.#siblingDeps(kids, (j) => [ids[j] ?? -1]);
      kids.forEach((child, k) => {
        const name = names[k] ?? '';
        this.visit(child, {
          parentId: frame.id,
          env,
          deferred,
          cwd,
          inherited,
          verdict,
          id: ids[k] ?? -1,
          ident: name,
          path: `${frame.path}.${name}`,
          indices: frame.indices,
          indicesText: frame.indicesText,
          vars: null,
          deps: deps[k] ?? NO_DEPS,
          params: frame.params,
        });
      });
      return;
    }

    // An array: instance i of child k has id first + i*block + offsets[k]. A dependency on a
    // sibling child X means every instance of X, so each child's deps are the same for all
    // instances and are built once.
    const count = instanceCount(spec.parameters, spec.repeats);
    const instances = this.#instancesOf(spec);
    const instancesOf = (j: number): number[] => {
      const ids = new Array<number>(count);
      const o = first + (offsets[j] ?? 0);
      for (let i = 0; i < count; i++) ids[i] = o + i * block;
      return ids;
    };
    const deps = this.#siblingDeps(kids, instancesOf);
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < kids.length; k++) children.push(first + i * block + (offsets[k] ?? 0));
    }
    for (let i = 0; i < count; i++) {
      const instance = instances?.[i];
      const suffix = instance?.suffix ?? String(i);
      const indices = withIndex(frame.indices, i);
      const index = String(i);
      const indicesText = frame.indicesText === undefined ? index : `${frame.indicesText},${index}`;
      const own = instance?.params ?? null;
      const vars =
        own === null
          ? { GATOR_ARRAY_INDEX: index, GATOR_ARRAY_INDICES: indicesText }
          : overlay({ GATOR_ARRAY_INDEX: index, GATOR_ARRAY_INDICES: indicesText }, own);
      const params = own === null ? frame.params : frame.params === null ? own : Object.freeze(overlay(frame.params, own));
      for (let k = 0; k < kids.length; k++) {
        const child = kids[k];
        if (child === undefined) continue;
        const name = `${names[k] ?? ''}_${suffix}`;
        // A literal, not a spread of shared fields: spreading per instance was 10x slower.
        this.visit(child, {
          parentId: frame.id,
          env,
          deferred,
          cwd,
          inherited,
          verdict,
          id: first + i * block + (offsets[k] ?? 0),
          ident: name,
          path: `${frame.path}.${name}`,
          indices,
          indicesText,
          vars,
          deps: deps[k] ?? NO_DEPS,
          params,
        });
      }
    }
  }

  /** Instances of a parameterised array (shared by every visit of it); null without parameters. */
  #instancesOf(spec: ArraySpec): ArrayInstance[] | null {
    if (spec.parameters === undefined || spec.parameters.length === 0) return null;
    let list = this.#instances.get(spec);
    if (list === undefined) {
      list = arrayInstances(spec.parameters, spec.repeats);
      this.#instances.set(spec, list);
    }
    return list;
  }

  /** Deps of each child, with `idsOf(j)` giving the node ids standing for sibling j. */
  #siblingDeps(kids: readonly NodeSpec[], idsOf: (j: number) => readonly number[]): PlannedDeps[] {
    const index = new Map<string, number>();
    kids.forEach((child, j) => {
      if (child.ident !== undefined && !index.has(child.ident)) index.set(child.ident, j);
    });
    const cache = new Map<number, readonly number[]>();
    const resolveRefs = (refs: readonly { readonly ident: string }[]): readonly number[] => {
      if (refs.length === 0) return NO_IDS;
      const seen = new Set<number>();
      const out: number[] = [];
      for (const ref of refs) {
        const j = index.get(ref.ident);
        if (j === undefined || seen.has(j)) continue; // unknown names were rejected by checkTree
        seen.add(j);
        let ids = cache.get(j);
        if (ids === undefined) {
          ids = idsOf(j);
          cache.set(j, ids);
        }
        if (refs.length === 1) return ids; // the common case: share the instance list as is
        for (const id of ids) out.push(id);
      }
      return out;
    };
    return kids.map((child) => {
      if (child.onPass.length + child.onFail.length + child.onDone.length === 0) return NO_DEPS;
      return { pass: resolveRefs(child.onPass), fail: resolveRefs(child.onFail), done: resolveRefs(child.onDone) };
    });
  }

  #job(spec: JobSpec, frame: Frame, cwdTemplate: string | undefined, arrayIndex: number | null, subtreeEnd: number): PlannedJob {
    const verdict = this.#verdictOf(spec, frame.verdict);
    const seed = spec.seed ?? deriveSeed(this.#runSeed, frame.path);
    const seedText = String(seed);
    const seedVar = { GATOR_SEED: seedText };
    // One object per job: what the arrays above add, the seed, then the job's own env.
    const base = frame.vars === null ? overlay(frame.env, seedVar) : overlay(frame.env, frame.vars, seedVar);
    const spots = new SeedSpots(seedText);
    // While expanding, the seed is a mark, so the places it lands in are known.
    const marked = (env: Env): Lookup => {
      const lookup = this.#lookup(env);
      return (name) => (name === SEED_VAR ? SEED_MARK : lookup(name));
    };
    let withDeferred = base;
    if (frame.deferred.length > 0) {
      const lookup = marked(base);
      const expanded: Record<string, string> = {};
      for (const [name, template, pos] of frame.deferred) {
        const value = spots.take(expandVars(template, lookup, this.#unsetAt(pos)), (pieces) => ((spots.env ??= {})[name] = pieces));
        Object.defineProperty(expanded, name, { value, enumerable: true, writable: true, configurable: true });
      }
      withDeferred = overlay(base, expanded);
    }
    const env = this.#layerEnv(spec, withDeferred, marked);
    if (env !== withDeferred && this.#own(spec).templated) {
      for (const [name] of this.#own(spec).entries) {
        const value = env[name];
        if (value !== undefined && value.includes(SEED_MARK)) {
          (env as Record<string, string>)[name] = spots.take(value, (pieces) => ((spots.env ??= {})[name] = pieces));
        }
      }
    }

    let templated = this.#templated.get(spec);
    if (templated === undefined) {
      templated = { command: hasVariables(spec.command), args: spec.args.some(hasVariables) };
      this.#templated.set(spec, templated);
    }
    // Most jobs in a big array share a command and fixed args: only build what varies.
    const needsLookup = templated.command || templated.args || (cwdTemplate !== undefined && hasVariables(cwdTemplate));
    const lookup = needsLookup ? marked(env) : undefined;
    let command = spec.command;
    if (templated.command && lookup !== undefined) {
      const at = spec.fieldPos?.['command'] ?? spec.pos;
      command = spots.take(expandVars(spec.command, lookup, this.#unsetAt(at)), (pieces) => ((spots.argv ??= {})[0] = pieces));
      if (command === '') {
        throw SpecError.at(spec.fieldPos?.['command'] ?? spec.pos, `the command of ${quote(frame.path)} (${quote(spec.command)}) expands to an empty string`);
      }
    }
    const args =
      templated.args && lookup !== undefined
        ? spec.args.map((a, i) => {
            if (!hasVariables(a)) return a;
            const at = spec.argPos?.[i] ?? spec.fieldPos?.['args'] ?? spec.pos;
            return spots.take(expandVars(a, lookup, this.#unsetAt(at)), (pieces) => ((spots.argv ??= {})[i + 1] = pieces));
          })
        : spec.args;
    const cwd = this.#cwd(cwdTemplate, lookup, spots, spec);
    return {
      id: frame.id,
      parentId: frame.parentId,
      kind: 'job',
      ident: frame.ident,
      path: frame.path,
      arrayIndex,
      arrayIndices: frame.indices,
      subtreeEnd,
      deps: frame.deps,
      pos: spec.pos,
      command,
      args,
      env,
      cwd,
      resources: this.#resourcesOf(spec),
      seed,
      seedTemplate: spots.template(spec.seed !== undefined),
      params: frame.params,
      policy: this.#policy(spec, frame.inherited),
      ...this.#schedulerOf(spec, frame.inherited),
      lines: verdict.lines,
      limits: verdict.limits,
    };
  }

  #cwd(template: string | undefined, lookup: Lookup | undefined, spots: SeedSpots, spec: JobSpec): string {
    if (template === undefined) return this.#launchDir;
    if (lookup !== undefined && hasVariables(template)) {
      // The cwd may have been written on a group above: its position is not kept, the job's is.
      const expanded = resolve(this.#launchDir, expandVars(template, lookup, this.#unsetAt(spec.fieldPos?.['cwd'] ?? spec.pos)));
      return spots.take(expanded, (pieces) => (spots.cwd = pieces));
    }
    let dir = this.#resolvedCwd.get(template);
    if (dir === undefined) {
      dir = resolve(this.#launchDir, template);
      this.#resolvedCwd.set(template, dir);
    }
    return dir;
  }

  #resourcesOf(spec: JobSpec): PlannedResources {
    let r = this.#resources.get(spec);
    if (r === undefined) {
      let cores = 0;
      let memoryBytes = 0;
      const licenses: Record<string, number> = {};
      for (const res of spec.resources) {
        if (res.kind === 'cores') cores = res.count;
        else if (res.kind === 'memory') memoryBytes = res.bytes;
        else Object.defineProperty(licenses, res.name, { value: res.count, enumerable: true, writable: true, configurable: true });
      }
      r = Object.freeze({ cores, memoryBytes, licenses: Object.freeze(licenses) });
      this.#resources.set(spec, r);
    }
    return r;
  }
}

export function planRun(root: NodeSpec, options: PlanOptions): Plan {
  const problems = new Problems();
  checkTree(root, problems);
  problems.throwFirst();

  const launchDir = resolve(options.launchDir);
  const specPath = resolve(launchDir, options.specPath);
  let rootIdent = root.ident;
  if (rootIdent === undefined && options.rootIdent !== undefined) {
    const problem = identProblem(options.rootIdent);
    if (problem !== undefined) throw SpecError.at(root.pos, `the root ident given to run this spec is not valid: ${problem}`);
    rootIdent = options.rootIdent;
  }
  rootIdent ??= stemIdent(specPath);

  const runSeed = options.runSeed ?? randomRunSeed();
  const builder = new PlanBuilder(options.baseEnv, launchDir, runSeed, {
    defaultTimeout: options.defaultTimeout ?? null,
    multiplier: options.timeoutMultiplier ?? 1,
  });
  builder.size(root);
  builder.visit(root, {
    id: 0,
    parentId: null,
    ident: rootIdent,
    path: rootIdent,
    indices: NO_INDICES,
    indicesText: undefined,
    env: EMPTY_ENV,
    vars: null,
    deferred: NO_DEFERRED,
    cwd: undefined,
    deps: NO_DEPS,
    inherited: NOTHING_INHERITED,
    params: null,
    verdict: DEFAULT_VERDICT,
  });
  const pools = root.kind === 'job' ? undefined : root.pools;
  const warnings = builder.warnings;
  return { specPath, nodes: builder.nodes, jobCount: builder.jobCount, runSeed, pools: pools ?? null, ...(warnings.length === 0 ? {} : { warnings }) };
}
