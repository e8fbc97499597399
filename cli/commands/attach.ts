// `gator attach [RUN]`: take over a run on a cluster whose head (the `gator run` process) died.
// Its jobs kept running and writing their spool files; this re-polls Slurm, ingests every spool
// from the offset the database recorded, submits the dependents still waiting, and ends with
// the database the run would have had without the crash.
import { type Command } from 'commander';
import type { RunResume } from '../../actors/protocol.js';
import type { JobResume } from '../../actors/protocol.js';
import { readClusterPlan } from '../../cluster/plan-file.js';
import { clusterPaths } from '../../cluster/manifest.js';
import { submittedTasks } from '../../cluster/cluster-run.js';
import type { ClusterSettings } from '../../cluster/settings.js';
import type { Plan } from '../../spec/plan.js';
import { readClusterRunState } from '../../storage/readers/cluster-resume.js';
import { runStatus } from '../../storage/readers/liveness.js';
import { openRun } from '../../storage/readers/open-run.js';
import { readRun } from '../../storage/readers/run-info.js';
import type { MessageLimits } from '../../actors/protocol.js';
import { Severity } from '../../vocabulary/codes.js';
import { UsageError, withUserErrors } from '../usage-error.js';
import { handleSignals } from '../signals.js';

interface AttachFlags {
  readonly verbose: boolean;
  readonly quiet: boolean;
  readonly allMsg: boolean;
}

interface Attachment {
  readonly plan: Plan;
  readonly dbPath: string;
  readonly runId: string;
  readonly cluster: ClusterSettings;
  readonly limits: MessageLimits;
  readonly interval: number;
  readonly grace: number;
  readonly argv: readonly string[];
  readonly cwd: string;
  /** The run's `--max-failures` and `--fail-fast` mode, as it recorded them. */
  readonly maxFailures: number | null;
  readonly onMaxFailures: 'finish' | 'stop';
  readonly resume: { readonly state: RunResume; readonly tally: { passed: number; failed: number; aborted: number } };
}

export function register(program: Command): void {
  program
    .command('attach')
    .description('take over a run on a cluster whose gator process died: its jobs kept running, and it ends as it would have')
    .argument('[run]', 'a tracking directory, a run.sqlite, or a tracking root (default: ./tracking/latest)')
    .option('--all-msg', 'show every line of every job, not only WARNING and above', false)
    .option('-v, --verbose', "also show the runner's own DEBUG detail", false)
    .option('--quiet', 'show only failures and the final tally', false)
    .action(async (run: string | undefined, flags: AttachFlags) => {
      let attachment: Attachment | undefined;
      await withUserErrors(() => {
        attachment = prepare(run);
      });
      if (attachment === undefined) return;
      process.exitCode = await attach(attachment, flags);
    });
}

function prepare(runArg: string | undefined): Attachment {
  const run = openRun(runArg);
  let state;
  let info;
  try {
    info = readRun(run.db, run.dbPath);
    const status = runStatus(info);
    if (status === 'running') throw new UsageError(`attach: run ${info.id} is still running (pid ${info.pid ?? '?'} on ${info.host})`);
    if (status === 'done') throw new UsageError(`attach: run ${info.id} has ended; there is nothing to take over`);
    state = readClusterRunState(run.db);
  } finally {
    run.close();
  }
  const cluster = state.options.cluster as ClusterSettings | undefined;
  const plan = readClusterPlan(run.dir) as Plan | null;
  if (cluster === undefined || plan === null)
    throw new UsageError(`attach: run ${info.id} did not run on a cluster (only --scheduler slurm runs can be taken over)`);
  const tasks = submittedTasks(clusterPaths(run.dir));
  const jobs: Record<number, JobResume> = {};
  for (const job of state.inFlight) {
    const task = tasks.get(job.id);
    // Launched but never handed to the scheduler: it is submitted again like any waiting job.
    if (task === undefined) continue;
    jobs[job.id] = { batch: task.batch, index: task.index, offset: job.offset, counts: job.counts, firstError: job.firstError, startedAt: job.startedAt };
  }
  const complete: Record<number, typeof state.complete extends ReadonlyMap<number, infer R> ? R : never> = {};
  for (const [id, result] of state.complete) complete[id] = result;
  const options = state.options as {
    limits: MessageLimits;
    interval: number;
    grace: number;
    maxFailures?: number | null;
    onMaxFailures?: 'finish' | 'stop';
  };
  return {
    plan,
    dbPath: run.dbPath,
    runId: info.id,
    cluster: { ...cluster, trackingDir: run.dir },
    limits: options.limits,
    interval: options.interval,
    grace: options.grace,
    argv: info.argv,
    cwd: process.cwd(),
    maxFailures: options.maxFailures ?? null,
    onMaxFailures: options.onMaxFailures ?? 'finish',
    resume: { state: { complete, jobs }, tally: state.tally },
  };
}

async function attach(attachment: Attachment, flags: AttachFlags): Promise<number> {
  const { bootRuntime } = await import('../../actors/boot-runtime.js');
  const { startRun } = await import('../../actors/start-run.js');
  const { createRunConsole } = await import('../../console/run-console.js');
  const runConsole = await createRunConsole({
    stream: process.stdout,
    progress: false,
    color: undefined,
    verbose: flags.verbose,
    quiet: flags.quiet,
    allMessages: flags.allMsg,
    statusInterval: 10,
    env: process.env,
  });
  const consoleSeverity = flags.verbose ? Severity.DEBUG : flags.allMsg ? Severity.INFO : Severity.WARNING;
  const inFlight = Object.keys(attachment.resume.state.jobs).length;
  process.stdout.write(`Taking over run ${attachment.runId}: ${inFlight} job${inFlight === 1 ? '' : 's'} still on the cluster\n`);
  const handle = await startRun(
    {
      plan: attachment.plan,
      dbPath: attachment.dbPath,
      runId: attachment.runId,
      settings: { limits: attachment.limits, interval: attachment.interval, grace: attachment.grace, consoleSeverity, cluster: attachment.cluster },
      slots: 1_000_000_000,
      // The cluster admits its jobs: no local pool gates them (see run.ts).
      pools: { slots: 1_000_000_000, cores: 1_000_000_000, memoryBytes: Number.MAX_SAFE_INTEGER, licenses: null },
      maxFailures: attachment.maxFailures,
      onMaxFailures: attachment.onMaxFailures,
      argv: attachment.argv,
      cwd: attachment.cwd,
      options: {},
      resume: attachment.resume,
    },
    runConsole.observer,
    bootRuntime(1_000_000_000, 1),
  );
  const signals = handleSignals((force) => handle.stop(force));
  try {
    const end = await handle.done;
    return end.exitCode;
  } finally {
    signals.dispose();
    runConsole.close();
  }
}
