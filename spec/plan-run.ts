// NodeSpec → Plan: unrolls arrays, overlays environments, expands variables and resolves
// dependencies to sibling ids. Built for arrays of 100,000+ instances: one pass, pre-order ids
// computed from subtree sizes (so a dependency can name an id before that node is built), and
// everything that does not vary between instances (deps lists, args without `$`, resources,
// positions, cwd) is computed once and shared, while each instance gets exactly one env object.
import { basename, extname, resolve } from 'node:path';
import { SpecError } from './errors.js';
import { expandVars, hasVariables, type Lookup } from './expand.js';
import type { JobSpec, NodeSpec } from './model.js';
import type { Plan, PlannedDeps, PlannedGroup, PlannedJob, PlannedNode, PlannedResources } from './plan.js';
import { Problems } from './problems.js';
import { quote } from './text.js';
import { checkTree, childName, identProblem } from './validate.js';

export interface PlanOptions {
  /** The spec file (relative to launchDir or absolute); its stem names an unnamed root. */
  readonly specPath: string;
  /** Where `gator` was started: the default cwd, and the base for relative cwds. */
  readonly launchDir: string;
  /** The OS environment jobs inherit; spec env overlays it and `$VAR` reads it. */
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  /** Names the root when the spec does not (e.g. `--id`). */
  readonly rootIdent?: string;
}

/** Past this a run would exhaust memory long before it finished: say so instead. */
export const MAX_PLAN_NODES = 10_000_000;

type Env = Readonly<Record<string, string>>;

const EMPTY_ENV: Env = Object.freeze({});
const NO_IDS: readonly number[] = Object.freeze([]);
const NO_INDICES: readonly number[] = Object.freeze([]);
const NO_DEPS: PlannedDeps = Object.freeze({ pass: NO_IDS, fail: NO_IDS, done: NO_IDS });

/** What a node inherits from its parent, plus the id and name the parent gave it. */
interface Frame {
  readonly id: number;
  readonly parentId: number | null;
  readonly ident: string;
  readonly path: string;
  readonly indices: readonly number[];
  /** GATOR_ARRAY_INDICES text for `indices`, or undefined outside arrays. */
  readonly indicesText: string | undefined;
  /** The env the spec layers above this node add (array index variables included). */
  readonly env: Env;
  /** The nearest cwd written above this node, unexpanded (expansion is per job). */
  readonly cwd: string | undefined;
  readonly deps: PlannedDeps;
}

/**
 * `base` with `top` on top, as a new plain object. Object.assign rather than spread: V8 gives
 * `{...base, K: v}` a fresh hidden class per call, which for 100,000 instances costs more
 * memory than the env objects themselves, while assign-onto-{} follows shared transitions.
 * Assign would treat a `__proto__` name as the prototype setter, so that name is defined.
 */
function overlay(base: Env, top: Env): Env {
  const out: Record<string, string> = Object.assign({}, base, top);
  for (const layer of [base, top]) {
    if (Object.hasOwn(layer, '__proto__')) {
      Object.defineProperty(out, '__proto__', { value: layer['__proto__'], enumerable: true, writable: true, configurable: true });
    }
  }
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

class PlanBuilder {
  readonly nodes: PlannedNode[] = [];
  jobCount = 0;
  readonly #baseEnv: Readonly<Record<string, string | undefined>>;
  readonly #launchDir: string;
  readonly #sizes = new Map<NodeSpec, number>();
  readonly #resources = new Map<JobSpec, PlannedResources>();
  readonly #templated = new Map<JobSpec, { readonly command: boolean; readonly args: boolean }>();
  readonly #ownEnv = new Map<NodeSpec, { readonly entries: [string, string][]; readonly templated: boolean; readonly plain: Env }>();
  readonly #resolvedCwd = new Map<string, string>();

  constructor(baseEnv: Readonly<Record<string, string | undefined>>, launchDir: string) {
    this.#baseEnv = baseEnv;
    this.#launchDir = launchDir;
  }

  /** Number of plan nodes `spec` expands to (itself included). */
  size(spec: NodeSpec): number {
    const known = this.#sizes.get(spec);
    if (known !== undefined) return known;
    let size = 1;
    if (spec.kind !== 'job') {
      let block = 0;
      for (const child of spec.jobs) block += this.size(child);
      size += (spec.kind === 'array' ? spec.repeats : 1) * block;
    }
    if (size > MAX_PLAN_NODES) {
      throw SpecError.at(
        spec.fieldPos?.['repeats'] ?? spec.pos,
        `this spec expands to ${size} jobs, groups and arrays, more than the ${MAX_PLAN_NODES} one run can hold; split the regression`,
      );
    }
    this.#sizes.set(spec, size);
    return size;
  }

  #lookup(env: Env): Lookup {
    const base = this.#baseEnv;
    return (name) => (Object.hasOwn(env, name) ? env[name] : base[name]);
  }

  /** The parent's env with this node's own env on top, values expanded against the parent's. */
  #layerEnv(spec: NodeSpec, inherited: Env): Env {
    let own = this.#ownEnv.get(spec);
    if (own === undefined) {
      const entries = Object.entries(spec.env);
      own = { entries, templated: entries.some(([, v]) => hasVariables(v)), plain: spec.env };
      this.#ownEnv.set(spec, own);
    }
    if (own.entries.length === 0) return inherited;
    if (!own.templated) return overlay(inherited, own.plain);
    const lookup = this.#lookup(inherited);
    return overlay(inherited, Object.fromEntries(own.entries.map(([k, v]) => [k, expandVars(v, lookup)])));
  }

  visit(spec: NodeSpec, frame: Frame): void {
    const env = this.#layerEnv(spec, frame.env);
    const cwd = spec.cwd ?? frame.cwd;
    const arrayIndex = frame.indices.length === 0 ? null : (frame.indices[frame.indices.length - 1] ?? null);
    const subtreeEnd = frame.id + this.size(spec) - 1;
    if (spec.kind === 'job') {
      this.nodes.push(this.#job(spec, frame, env, cwd, arrayIndex, subtreeEnd));
      this.jobCount++;
      return;
    }
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
          id: ids[k] ?? -1,
          parentId: frame.id,
          ident: name,
          path: `${frame.path}.${name}`,
          indices: frame.indices,
          indicesText: frame.indicesText,
          env,
          cwd,
          deps: deps[k] ?? NO_DEPS,
        });
      });
      return;
    }

    // An array: instance i of child k has id first + i*block + offsets[k]. A dependency on a
    // sibling child X means every instance of X, so each child's deps are the same for all
    // instances and are built once.
    const repeats = spec.repeats;
    const instancesOf = (j: number): number[] => {
      const ids = new Array<number>(repeats);
      const o = first + (offsets[j] ?? 0);
      for (let i = 0; i < repeats; i++) ids[i] = o + i * block;
      return ids;
    };
    const deps = this.#siblingDeps(kids, instancesOf);
    for (let i = 0; i < repeats; i++) {
      for (let k = 0; k < kids.length; k++) children.push(first + i * block + (offsets[k] ?? 0));
    }
    for (let i = 0; i < repeats; i++) {
      const indices = withIndex(frame.indices, i);
      const index = String(i);
      const indicesText = frame.indicesText === undefined ? index : `${frame.indicesText},${index}`;
      const instanceEnv = overlay(env, { GATOR_ARRAY_INDEX: index, GATOR_ARRAY_INDICES: indicesText });
      for (let k = 0; k < kids.length; k++) {
        const child = kids[k];
        if (child === undefined) continue;
        const name = `${names[k] ?? ''}_${index}`;
        this.visit(child, {
          id: first + i * block + (offsets[k] ?? 0),
          parentId: frame.id,
          ident: name,
          path: `${frame.path}.${name}`,
          indices,
          indicesText,
          env: instanceEnv,
          cwd,
          deps: deps[k] ?? NO_DEPS,
        });
      }
    }
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

  #job(spec: JobSpec, frame: Frame, env: Env, cwdTemplate: string | undefined, arrayIndex: number | null, subtreeEnd: number): PlannedJob {
    let templated = this.#templated.get(spec);
    if (templated === undefined) {
      templated = { command: hasVariables(spec.command), args: spec.args.some(hasVariables) };
      this.#templated.set(spec, templated);
    }
    // Most jobs in a big array share a command and fixed args: only build what varies.
    const needsLookup = templated.command || templated.args || (cwdTemplate !== undefined && hasVariables(cwdTemplate));
    const lookup = needsLookup ? this.#lookup(env) : undefined;
    let command = spec.command;
    if (templated.command && lookup !== undefined) {
      command = expandVars(spec.command, lookup);
      if (command === '') {
        throw SpecError.at(spec.fieldPos?.['command'] ?? spec.pos, `the command of ${quote(frame.path)} (${quote(spec.command)}) expands to an empty string`);
      }
    }
    const args = templated.args && lookup !== undefined ? spec.args.map((a) => expandVars(a, lookup)) : spec.args;
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
      cwd: this.#cwd(cwdTemplate, lookup),
      resources: this.#resourcesOf(spec),
    };
  }

  #cwd(template: string | undefined, lookup: Lookup | undefined): string {
    if (template === undefined) return this.#launchDir;
    if (lookup !== undefined && hasVariables(template)) return resolve(this.#launchDir, expandVars(template, lookup));
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

  const builder = new PlanBuilder(options.baseEnv, launchDir);
  builder.size(root);
  builder.visit(root, {
    id: 0,
    parentId: null,
    ident: rootIdent,
    path: rootIdent,
    indices: NO_INDICES,
    indicesText: undefined,
    env: EMPTY_ENV,
    cwd: undefined,
    deps: NO_DEPS,
  });
  return { specPath, nodes: builder.nodes, jobCount: builder.jobCount };
}
