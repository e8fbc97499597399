// Whether a child whose dependencies have all completed may run. `on_pass` needs every listed
// sibling to have passed, `on_fail` every one to have failed, `on_done` only completion.
// A sibling that was itself pruned neither passed nor failed, so both kinds prune (Gator
// counted "not passed" as failed, which ran `on_fail` branches of jobs that never ran).
import type { PlannedDeps } from '../../spec/plan.js';
import { Result, type ResultCode } from '../../vocabulary/codes.js';

/** Null when the child may launch, else the reason it is pruned. */
export const dependencyVerdict = (deps: PlannedDeps, resultOf: (id: number) => ResultCode, nameOf: (id: number) => string): string | null => {
  for (const id of deps.pass) {
    const result = resultOf(id);
    if (result !== Result.success) return `dependency '${nameOf(id)}' ${result === Result.aborted ? 'was aborted' : 'failed'} (on_pass)`;
  }
  for (const id of deps.fail) {
    const result = resultOf(id);
    if (result !== Result.failure) return `dependency '${nameOf(id)}' ${result === Result.aborted ? 'was aborted' : 'passed'} (on_fail)`;
  }
  return null;
};
