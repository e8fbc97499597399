// `gator rerun`: the jobs to run again, as a plan the runner executes like any other. Each job
// is repeated exactly as it ran (argv, the spec's environment overlay with GATOR_ARRAY_INDEX,
// cwd, array indices) under a root group `rerun`, and remembers the node it repeats.
import type { Plan, PlannedGroup, PlannedJob } from '../../spec/plan.js';
import { DEFAULT_JOB_POLICY } from '../../spec/build-plan.js';
import { verdictFromJson } from '../../spec/verdict-rules.js';
import { NothingToRerunError, RerunError } from './errors.js';
import { selectNodes } from './job-glob.js';
import { type JobRow } from './jobs.js';
import { shownJob, type RunStatus } from './liveness.js';
import type { RunRow } from './run-info.js';

export interface RerunSelection {
  /** Jobs that failed or were cut off. */
  readonly failed: boolean;
  /** Jobs under paths matching any of these (all jobs when empty). */
  readonly globs: readonly string[];
}

export interface RerunPlan {
  readonly plan: Plan;
  /** New node id → the id of the node it repeats in the earlier run. */
  readonly nodeOrigins: ReadonlyMap<number, number>;
  readonly selected: readonly JobRow[];
}

export const RERUN_ROOT = 'rerun';

/** Original idents where they are unique among the selected jobs, else the path with `.` → `__`. */
const identsFor = (jobs: readonly JobRow[]): string[] => {
  const counts = new Map<string, number>();
  for (const job of jobs) counts.set(job.ident, (counts.get(job.ident) ?? 0) + 1);
  const taken = new Set<string>();
  return jobs.map((job) => {
    let ident = counts.get(job.ident) === 1 ? job.ident : job.path.replaceAll('.', '__');
    // A path-made ident could still meet an original one; number it then.
    for (let n = 2; taken.has(ident); n++) ident = `${job.path.replaceAll('.', '__')}_${n}`;
    taken.add(ident);
    return ident;
  });
};

export function selectForRerun(jobs: readonly JobRow[], status: RunStatus, selection: RerunSelection): JobRow[] {
  const matched = selection.globs.length > 0 ? selectNodes(jobs, selection.globs) : null;
  if (matched !== null && matched.size === 0) throw new RerunError(`--job ${selection.globs.join(', ')}: no job in the run matches`);
  return jobs.filter((job) => {
    if (job.kind !== 'job') return false;
    if (matched !== null && !matched.has(job.id)) return false;
    if (!selection.failed) return true;
    const shown = shownJob(job, status).result;
    return shown === 'failure' || shown === 'cut-off';
  });
}

export function planRerun(jobs: readonly JobRow[], run: RunRow, status: RunStatus, selection: RerunSelection, cwd: string): RerunPlan {
  const selected = selectForRerun(jobs, status, selection);
  if (selected.length === 0) {
    if (selection.failed) throw new NothingToRerunError(`nothing to rerun: no job failed in run ${run.id}`);
    throw new RerunError(`nothing to rerun in run ${run.id}`);
  }
  const idents = identsFor(selected);
  const pos = { file: run.specPath, line: 1, col: 1 };
  const noDeps = { pass: [], fail: [], done: [] };
  const nodeOrigins = new Map<number, number>();
  const planned: PlannedJob[] = selected.map((job, i) => {
    const argv = job.argv;
    const command = argv?.[0];
    if (argv === null || command === undefined) throw new RerunError(`cannot rerun ${job.path}: the run database does not record its command`);
    const id = i + 1;
    const ident = idents[i] as string;
    nodeOrigins.set(id, job.id);
    return {
      id,
      parentId: 0,
      kind: 'job',
      ident,
      path: `${RERUN_ROOT}.${ident}`,
      arrayIndex: job.arrayIndex,
      arrayIndices: job.arrayIndices ?? (job.arrayIndex === null ? [] : [job.arrayIndex]),
      subtreeEnd: id,
      deps: noDeps,
      pos,
      command,
      args: argv.slice(1),
      env: job.env ?? {},
      cwd: job.cwd ?? cwd,
      // The database does not keep the spec's resource requests; the defaults apply.
      resources: { cores: 0, memoryBytes: 0, licenses: {} },
      seed: Number(job.env?.['GATOR_SEED'] ?? 1),
      seedTemplate: null,
      params: null,
      policy: DEFAULT_JOB_POLICY,
      // Judged as the run judged it: its parsers, patterns, stderr severity and limits.
      ...verdictFromJson(job.rules),
    };
  });
  const root: PlannedGroup = {
    id: 0,
    parentId: null,
    kind: 'group',
    ident: RERUN_ROOT,
    path: RERUN_ROOT,
    arrayIndex: null,
    arrayIndices: [],
    subtreeEnd: planned.length,
    deps: noDeps,
    pos,
    children: planned.map((job) => job.id),
    groupTimeout: null,
  };
  return { plan: { specPath: run.specPath, nodes: [root, ...planned], jobCount: planned.length, runSeed: 0, pools: null }, nodeOrigins, selected };
}
