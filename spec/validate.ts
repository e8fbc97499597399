// Tree-level checks that need more than one node: ident syntax, sibling names, dependency
// names and dependency cycles, plus the repeats range. They run on parsed specs and again in
// planRun, so that a NodeSpec built by hand cannot smuggle in a bad tree.
import { arrayInstances, nameClash } from './instance-names.js';
import type { ArraySpec, DependencyRef, NodeSpec } from './model.js';
import type { Problems } from './problems.js';
import { listNames, quote } from './text.js';

/** Idents form dotted paths (`top.sims.run_3`) and directory names. */
const BAD_IDENT_CHAR = /[./\s]/;
/** Control characters (NUL, escape, ...) would reach terminals and file names as they are. */
const CONTROL_CHAR = /[\u0000-\u001f\u007f-\u009f]/;

export function identProblem(ident: string): string | undefined {
  if (ident === '') return 'ident must not be empty';
  if (BAD_IDENT_CHAR.test(ident)) {
    return `bad ident ${quote(ident)}: an ident cannot contain '.', '/' or whitespace (idents form dotted paths)`;
  }
  if (CONTROL_CHAR.test(ident)) return `bad ident ${quote(ident)}: an ident cannot contain control characters such as NUL or escape`;
  return undefined;
}

/** The name a child has in its parent: its ident, else `T<position>` (Gator's convention). */
export function childName(child: NodeSpec, index: number): string {
  return child.ident ?? `T${index}`;
}

type DepField = 'on_pass' | 'on_fail' | 'on_done';

function depLists(node: NodeSpec): [DepField, readonly DependencyRef[]][] {
  return [
    ['on_pass', node.onPass],
    ['on_fail', node.onFail],
    ['on_done', node.onDone],
  ];
}

function checkSiblings(parent: NodeSpec & { jobs: readonly NodeSpec[] }, parentLabel: string, problems: Problems): void {
  const children = parent.jobs;
  const names = children.map(childName);
  const byName = new Map<string, number>();
  children.forEach((child, i) => {
    const name = names[i] ?? '';
    const first = byName.get(name);
    if (first === undefined) {
      byName.set(name, i);
      return;
    }
    const other = children[first];
    // Point at whichever of the two is named explicitly and comes second.
    const at = (child.ident === undefined && other?.ident !== undefined ? other : child) ?? child;
    const atPos = at.fieldPos?.['ident'] ?? at.pos;
    if (child.ident !== undefined && other?.ident !== undefined) {
      problems.add(
        atPos,
        `duplicate ident ${quote(name)} among the jobs of ${parentLabel} (first at line ${other.fieldPos?.['ident']?.line ?? other.pos.line})`,
      );
    } else {
      problems.add(atPos, `ident ${quote(name)} clashes with the name given to the unnamed entry ${name.slice(1)} of the jobs of ${parentLabel}; rename it`);
    }
  });

  // Dependencies name siblings by their spec ident (an unnamed child cannot be a target).
  const index = new Map<string, number>();
  children.forEach((child, i) => {
    if (child.ident !== undefined && !index.has(child.ident)) index.set(child.ident, i);
  });
  const named = children.flatMap((c) => (c.ident === undefined ? [] : [c.ident]));
  const edges: { to: number; ref: DependencyRef }[][] = children.map(() => []);
  children.forEach((child, i) => {
    for (const [field, refs] of depLists(child)) {
      for (const ref of refs) {
        const target = index.get(ref.ident);
        if (target === undefined) {
          const others = named.filter((n) => n !== child.ident);
          const siblings = others.length === 0 ? 'it has no named siblings' : `its siblings are: ${listNames(others)}`;
          problems.add(ref.pos, `unknown dependency ${quote(ref.ident)} in ${field} of ${quote(names[i] ?? '')} (${siblings})`);
        } else {
          edges[i]?.push({ to: target, ref });
        }
      }
    }
  });
  findCycles(edges, names, problems);
}

/**
 * Iterative depth-first search in sibling order; every back edge closes a cycle, reported at
 * the dependency entry that closes it. Iterative because generated specs can chain thousands
 * of siblings.
 */
function findCycles(edges: readonly (readonly { to: number; ref: DependencyRef }[])[], names: readonly string[], problems: Problems): void {
  const WHITE = 0;
  const GREY = 1;
  const BLACK = 2;
  const colour = new Uint8Array(edges.length);
  const onPath: number[] = [];
  const nextEdge: number[] = new Array<number>(edges.length).fill(0);
  for (let start = 0; start < edges.length; start++) {
    if (colour[start] !== WHITE) continue;
    onPath.push(start);
    colour[start] = GREY;
    while (onPath.length > 0) {
      const at = onPath[onPath.length - 1] ?? 0;
      const out = edges[at] ?? [];
      const k = nextEdge[at] ?? 0;
      if (k >= out.length) {
        colour[at] = BLACK;
        onPath.pop();
        continue;
      }
      nextEdge[at] = k + 1;
      const edge = out[k];
      if (edge === undefined) continue;
      if (colour[edge.to] === GREY) {
        const cycle = onPath.slice(onPath.indexOf(edge.to)).map((i) => names[i] ?? '');
        const text = [...cycle, names[edge.to] ?? ''].join(' -> ');
        problems.add(
          edge.ref.pos,
          cycle.length === 1
            ? `${quote(cycle[0] ?? '')} depends on itself (dependency cycle: ${text})`
            : `dependency cycle: ${text} (each waits for the next, so none could ever start)`,
        );
      } else if (colour[edge.to] === WHITE) {
        colour[edge.to] = GREY;
        onPath.push(edge.to);
      }
    }
  }
}

/** Parameter values name instances (instance-names.ts): two instances must not get one name. */
function checkInstanceNames(array: ArraySpec, label: string, problems: Problems): void {
  const parameters = array.parameters ?? [];
  const at = array.fieldPos?.['parameters'] ?? array.pos;
  const clash = nameClash(parameters);
  if (clash !== undefined) {
    problems.add(
      at,
      `parameters of ${label}: the values ${clash.a} and ${clash.b} both name instances ${quote(clash.name)}; make the values differ in letters or digits`,
    );
    return;
  }
  if (array.jobs.length < 2) return;
  const suffixes = arrayInstances(parameters, 1).map((i) => i.suffix);
  const seen = new Map<string, string>();
  array.jobs.forEach((child, k) => {
    const name = childName(child, k);
    for (const suffix of suffixes) {
      const full = `${name}_${suffix}`;
      const other = seen.get(full);
      if (other !== undefined && other !== name) {
        problems.add(at, `in ${label}, children ${quote(other)} and ${quote(name)} would both have an instance named ${quote(full)}; rename one`);
        return;
      }
      seen.set(full, name);
    }
  });
}

/**
 * Checks the whole tree. `tainted` nodes had children that could not be read; their sibling
 * checks are skipped (they would only report knock-on problems). The root has no siblings, so
 * any dependency it names is unknown.
 */
export function checkTree(root: NodeSpec, problems: Problems, tainted?: ReadonlySet<NodeSpec>): void {
  const rootLabel = root.ident === undefined ? `the top-level ${root.kind}` : quote(root.ident);
  for (const [field, refs] of depLists(root)) {
    for (const ref of refs) {
      problems.add(ref.pos, `unknown dependency ${quote(ref.ident)} in ${field} of ${rootLabel} (the top-level node has no siblings)`);
    }
  }
  // Aliased YAML nodes are shared NodeSpecs: check each once.
  const seen = new Set<NodeSpec>();
  const stack: { node: NodeSpec; label: string }[] = [{ node: root, label: rootLabel }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { node, label } = item;
    if (seen.has(node)) continue;
    seen.add(node);
    if (node.ident !== undefined) {
      const problem = identProblem(node.ident);
      if (problem !== undefined) problems.add(node.fieldPos?.['ident'] ?? node.pos, problem);
    }
    if (node.kind === 'job') continue;
    if (node !== root && node.pools !== undefined) {
      problems.add(node.fieldPos?.['pools'] ?? node.pos, "pools can only be given on the top-level node: they are the whole run's resources");
    }
    if (node.kind === 'array' && (!Number.isSafeInteger(node.repeats) || node.repeats < 0)) {
      problems.add(node.fieldPos?.['repeats'] ?? node.pos, `repeats must be an integer >= 0, not ${node.repeats}`);
    }
    if (node.kind === 'array' && node.parameters !== undefined && node.parameters.length > 0) checkInstanceNames(node, label, problems);
    if (tainted?.has(node) !== true) checkSiblings(node, label, problems);
    node.jobs.forEach((child, i) => stack.push({ node: child, label: quote(childName(child, i)) }));
  }
}
