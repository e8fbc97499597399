// Starting a run: create its database from the plan, boot the threads, spawn the run actor,
// and hand back a handle that can stop the run and resolves when it has ended.
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import type { JobPolicy, Plan, PlannedJob } from '../spec/plan.js';
import { verdictJson } from '../spec/verdict-rules.js';
import { RunDatabaseError } from '../storage/errors.js';
import { RunWriter, type NodeRow } from '../storage/writer.js';
import { bootRuntime, STORAGE_HOST, type RunRuntime } from './boot-runtime.js';
import { displayCommand } from '../vocabulary/wording.js';
import type { RunEnded, RunObserver } from './events.js';
import { effectiveLimits } from './job/verdict.js';
import type { RunResume, RunSettings } from './protocol.js';
import { describeRule } from '../spec/retry-rule.js';
import type { Pools } from './resources/admission.js';
import { requestOf } from './resources/pools.js';
import { RunActorType } from './run-actor.js';

export interface RunRequest {
  readonly plan: Plan;
  readonly dbPath: string;
  /** The database file's mode (0600 unless the run is shared). */
  readonly fileMode?: number;
  /** Asked between slices of the database's creation: true once the run was asked to stop. */
  readonly interrupted?: () => boolean;
  readonly runId: string;
  readonly settings: RunSettings;
  /** Jobs running at once (`-j`). */
  readonly slots: number;
  /** What jobs are admitted within on this machine (`slots` among them). */
  readonly pools: Pools;
  /** `--max-failures` (null: none) and what happens to running jobs then. */
  readonly maxFailures: number | null;
  readonly onMaxFailures: 'finish' | 'stop';
  readonly argv: readonly string[];
  readonly cwd: string;
  /** Recorded in the run row so that a run can be repeated. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Set when this run repeats jobs of an earlier one: that run's id, and old node id per new job id. */
  readonly rerun?: { readonly runId: string; readonly nodeOrigins: ReadonlyMap<number, number> };
  /** Takes over a cluster run whose head died (`gator attach`): its database exists already. */
  readonly resume?: { readonly state: RunResume; readonly tally: { readonly passed: number; readonly failed: number; readonly aborted: number } };
  /** Threads that run jobs; defaults to the number of CPUs less the storage thread, at most the slots. */
  readonly jobThreads?: number;
}

/** The run was asked to stop while its database was being made: nothing was recorded or run. */
export class InterruptedBeforeStart extends Error {
  override readonly name = 'InterruptedBeforeStart';
  constructor() {
    super('interrupted before any job started; no run was recorded');
  }
}

export interface RunHandle {
  /** Resolves once every job has ended and the database is closed. */
  readonly done: Promise<RunEnded>;
  /** First call: SIGTERM every running job and SIGKILL after the grace period; `force`: SIGKILL at once. */
  stop(force: boolean): void;
}

/** A policy's retry rules as the spec writes them: jobs sharing a policy share the list. */
const ruleTexts = new WeakMap<JobPolicy, readonly string[]>();
const retryOnOf = (policy: JobPolicy): readonly string[] => {
  let texts = ruleTexts.get(policy);
  if (texts === undefined) {
    texts = policy.retry.on.map(describeRule);
    ruleTexts.set(policy, texts);
  }
  return texts;
};

/** A job's verdict columns: its spec's rules, the limits that judge it, its stderr severity. */
const verdictRow = (job: PlannedJob, settings: RunSettings): Pick<NodeRow, 'rules' | 'limits' | 'stderrSeverity'> => ({
  rules: verdictJson(job),
  limits: effectiveLimits(settings.limits, job.limits),
  stderrSeverity: job.lines.stderr,
});

function* nodeRows(plan: Plan, settings: RunSettings, origins: ReadonlyMap<number, number> | undefined): Generator<NodeRow> {
  for (const node of plan.nodes) {
    const job = node.kind === 'job' ? node : null;
    const request = job === null ? null : requestOf(job.resources);
    yield {
      id: node.id,
      parentId: node.parentId,
      subtreeEnd: node.subtreeEnd,
      kind: node.kind,
      ident: node.ident,
      path: node.path,
      arrayIndex: node.arrayIndex,
      arrayIndices: node.arrayIndices,
      command: job === null ? null : displayCommand(job.command, job.args),
      argv: job === null ? null : [job.command, ...job.args],
      env: job === null ? null : job.env,
      cwd: job === null ? null : job.cwd,
      rerunOf: origins?.get(node.id) ?? null,
      seed: job?.seed ?? null,
      seedTemplate: job?.seedTemplate ?? null,
      params: job?.params ?? null,
      timeout: job === null ? (node.kind === 'job' ? null : node.groupTimeout) : job.policy.timeout,
      retries: job === null ? null : job.policy.retry.retries,
      retryOn: job === null ? null : retryOnOf(job.policy),
      mkdir: job === null ? null : job.policy.mkdir,
      cores: request?.cores ?? null,
      memory: request === null || request.memoryBytes === 0 ? null : request.memoryBytes,
      licenses: request?.licenses ?? null,
      ...(job === null ? {} : verdictRow(job, settings)),
    };
  }
}

/** Creates the run database and starts the run on `runtime` (booted here when not given; it may still be booting). */
export async function startRun(request: RunRequest, observer: RunObserver, runtime?: RunRuntime | Promise<RunRuntime>): Promise<RunHandle> {
  const startedAt = Date.now() / 1000;
  const creating = performance.now();
  if (request.resume !== undefined) {
    const writer = RunWriter.open(request.dbPath);
    writer.resume(process.pid, startedAt);
    writer.close();
  } else {
    const writer = await RunWriter.createInSlices(
      request.dbPath,
      {
        id: request.runId,
        specPath: request.plan.specPath,
        startedAt,
        host: hostname(),
        argv: request.argv,
        cwd: request.cwd,
        pid: process.pid,
        options: request.options,
        rerunOf: request.rerun?.runId ?? null,
        seed: request.plan.runSeed,
        pools: request.pools,
      },
      nodeRows(request.plan, request.settings, request.rerun?.nodeOrigins),
      request.fileMode ?? 0o600,
      request.interrupted ?? ((): boolean => false),
    );
    if (writer === null) throw new InterruptedBeforeStart();
    writer.close();
  }
  const createMs = performance.now() - creating;

  const { kernel, jobHosts, bootMs } = await (runtime ?? bootRuntime(request.slots, request.jobThreads));
  observer.runStarted?.({ ts: startedAt, jobCount: request.plan.jobCount, dbPath: request.dbPath, trackingDir: dirname(request.dbPath) });
  observer.debug?.(
    `threads: storage on host ${STORAGE_HOST}, jobs on host${jobHosts.length === 1 ? '' : 's'} ${jobHosts.join(', ')}; ` +
      `booted in ${bootMs.toFixed(0)} ms; database of ${request.plan.nodes.length} nodes created in ${createMs.toFixed(0)} ms`,
  );

  let finish!: (end: RunEnded, storageError: string | null) => void;
  const settled = new Promise<{ end: RunEnded; storageError: string | null }>((resolve) => {
    finish = (end, storageError) => resolve({ end, storageError });
  });
  const run = kernel.main.spawn(RunActorType, {
    plan: request.plan,
    dbPath: request.dbPath,
    settings: request.settings,
    pools: request.pools,
    maxFailures: request.maxFailures,
    onMaxFailures: request.onMaxFailures,
    storageHost: STORAGE_HOST,
    jobHosts,
    observer,
    onEnd: (end, storageError) => finish(end, storageError),
    ...(request.resume === undefined ? {} : { resume: request.resume }),
  });

  // Only the path is kept: the request holds the plan, which must not outlive the launch.
  const dbPath = request.dbPath;
  const done = settled.then(async ({ end, storageError }) => {
    await kernel.shutdown();
    if (storageError !== null) throw new RunDatabaseError(dbPath, storageError);
    return end;
  });
  return {
    done,
    stop: (force) => kernel.main.send(run, { type: 'stop', force }),
  };
}
