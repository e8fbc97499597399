// The spec layer's public surface: YAML text or file → NodeSpec (validated) → Plan.
// Everything here throws SpecError, whose message is one line `file:line:col: what is wrong`.
import { parseYaml, readSpecText } from './load.js';
import type { NodeSpec } from './model.js';
import { Problems } from './problems.js';
import { readTree } from './read-node.js';
import { checkTree } from './validate.js';

export { describeSpecWarning, SpecError } from './errors.js';
export type * from './model.js';
export type * from './plan.js';
export { planRun, MAX_PLAN_NODES, DEFAULT_JOB_POLICY, DEFAULT_RETRY_ON, type PlanOptions } from './build-plan.js';
export { expandVars } from './expand.js';

/** Parses and validates a spec; `file` is only used to name positions in errors. */
export function parseSpec(text: string, file: string): NodeSpec {
  const src = parseYaml(text, file);
  const problems = new Problems();
  const { root, tainted } = readTree(src, problems);
  if (root !== undefined) checkTree(root, problems, tainted);
  problems.throwFirst();
  if (root === undefined) throw new Error('internal: spec root unreadable without a reported problem');
  return root;
}

/** Reads and parses a spec file; an unreadable file is a SpecError at line 1, column 1. */
export function loadSpec(file: string): NodeSpec {
  return parseSpec(readSpecText(file), file);
}
