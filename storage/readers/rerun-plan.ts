// `gator rerun`: the jobs to run again, as a plan the runner executes like any other. Each job
// is repeated exactly as it ran (argv, the spec's environment overlay with GATOR_ARRAY_INDEX
// and its seed, cwd, array indices, parameters, resources, timeout and retries) under a root
// group `rerun`, and remembers the node it repeats; it is judged by the rules it was judged by
// (parsers, patterns, stderr severity, limits). With new seeds, each job that did not pin
// its seed gets the one a new run seed gives its path, put everywhere the old one was.
import type { JobPolicy, Plan, PlannedGroup, PlannedJob, SeedTemplate } from '../../spec/plan.js';
import { DEFAULT_RETRY_ON } from '../../spec/build-plan.js';
import { deriveSeed } from '../../spec/seed.js';
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

export interface RerunOptions {
  /** Draw every job's seed from this run seed (`--new-seeds`, `--seed N`); null keeps each job's. */
  readonly newRunSeed: number | null;
  /** `--timeout` for jobs that had none, and `--timeout-multiplier` on every limit (0 lifts them). */
  readonly defaultTimeout: number | null;
  readonly timeoutMultiplier: number;
}

export const KEEP_AS_RAN: RerunOptions = { newRunSeed: null, defaultTimeout: null, timeoutMultiplier: 1 };

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

/** `pieces` joined by the seed: where the seed was, the new one goes. */
const withSeed = (pieces: readonly string[] | undefined, seed: string): string | undefined => (pieces === undefined ? undefined : pieces.join(seed));

/** The job's argv, env and cwd with `seed` in every place its seed was. */
function reseed(job: JobRow, argv: readonly string[], seed: number): { argv: string[]; env: Record<string, string>; cwd: string | null } {
  const text = String(seed);
  const template: SeedTemplate = job.seedTemplate ?? {};
  const outArgv = argv.map((arg, i) => withSeed(template.argv?.[i], text) ?? arg);
  const env: Record<string, string> = { ...(job.env ?? {}) };
  for (const [name, pieces] of Object.entries(template.env ?? {})) {
    Object.defineProperty(env, name, { value: pieces.join(text), enumerable: true, writable: true, configurable: true });
  }
  env['GATOR_SEED'] = text;
  return { argv: outArgv, env, cwd: withSeed(template.cwd, text) ?? job.cwd };
}

const scaled = (seconds: number | null, multiplier: number): number | null => (seconds === null || multiplier === 0 ? null : seconds * multiplier);

export function planRerun(
  jobs: readonly JobRow[],
  run: RunRow,
  status: RunStatus,
  selection: RerunSelection,
  cwd: string,
  options: RerunOptions = KEEP_AS_RAN,
): RerunPlan {
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
    const recordedSeed = job.seed ?? Number(job.env?.['GATOR_SEED'] ?? Number.NaN);
    const keep = options.newRunSeed === null || job.seedTemplate?.pinned === true || !Number.isInteger(recordedSeed);
    // The new seed depends on the job's path in the run it came from, as the first one did.
    const seed = keep ? recordedSeed : deriveSeed(options.newRunSeed ?? 0, job.path);
    const ran = keep ? { argv: [...argv], env: { ...(job.env ?? {}) }, cwd: job.cwd } : reseed(job, argv, seed);
    const policy: JobPolicy = {
      timeout: scaled(job.timeout ?? options.defaultTimeout, options.timeoutMultiplier),
      retry: { retries: job.retries ?? 0, on: job.retryOn ?? DEFAULT_RETRY_ON },
      mkdir: job.mkdir,
    };
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
      command: ran.argv[0] ?? command,
      args: ran.argv.slice(1),
      env: ran.env,
      cwd: ran.cwd ?? cwd,
      resources: { cores: job.cores ?? 0, memoryBytes: job.memory ?? 0, licenses: job.licenses ?? {} },
      seed: Number.isInteger(seed) ? seed : 0,
      seedTemplate: job.seedTemplate,
      params: job.params,
      policy,
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
  const runSeed = options.newRunSeed ?? run.seed ?? 0;
  return {
    plan: {
      specPath: run.specPath,
      nodes: [root, ...planned],
      jobCount: planned.length,
      runSeed,
      pools: run.licenses === null ? null : { licenses: run.licenses, pos },
    },
    nodeOrigins,
    selected,
  };
}
