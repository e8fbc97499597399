// `gator run SPEC`: check the spec, plan it, run it, and report. Nothing is launched when the
// spec has a problem.
import { randomUUID } from 'node:crypto';
import { availableParallelism, totalmem } from 'node:os';
import { type Command, Option } from 'commander';
import type { RunEnded, RunObserver } from '../../actors/events.js';
import type { MessageLimits } from '../../actors/protocol.js';
import { bootRuntime, type RunRuntime } from '../../actors/boot-runtime.js';
import type { RunHandle, RunRequest, startRun } from '../../actors/start-run.js';
import type { Plan } from '../../spec/plan.js';
import type { Pools } from '../../actors/resources/admission.js';
import { ExitCode, Severity } from '../../vocabulary/codes.js';
import { fileBudgetNotice } from '../../vocabulary/wording.js';
import type { ClusterSettings } from '../../cluster/settings.js';
import { writeClusterPlan } from '../../cluster/plan-file.js';
import {
  collectLicense,
  limitOf,
  parseCount,
  parseLimit,
  parseMemoryFlag,
  parseMultiplier,
  parseRunSeed,
  parseSampleInterval,
  parseSeconds,
  parseTimeout,
  type LimitOption,
} from '../option-parsers.js';
import { prepareTracking, type Tracking } from '../tracking.js';
import { UsageError } from '../usage-error.js';
import { handleSignals } from '../signals.js';
import { addClusterOptions, clusterSettings, type ClusterFlags } from '../cluster-options.js';

/** On a cluster the scheduler admits jobs: the head gates none of them. */
const CLUSTER_SLOTS = 1_000_000_000;

export interface RunFlags extends ClusterFlags {
  readonly tracking?: string;
  readonly interval: number;
  readonly jobs: number;
  readonly limitWarning: LimitOption | null;
  readonly limitError: LimitOption;
  readonly limitCritical: LimitOption;
  readonly grace: number;
  readonly verbose: boolean;
  readonly quiet: boolean;
  readonly allMsg: boolean;
  readonly progress: boolean;
  readonly statusInterval: number;
  readonly color?: boolean;
  readonly json: boolean;
  readonly id?: string;
  /** The run seed; undefined: drawn at random. */
  readonly seed?: number;
  readonly timeout?: number | null;
  readonly timeoutMultiplier: number;
  readonly maxFailures?: number;
  /** `--fail-fast` alone is `true`; `--fail-fast=stop` also stops running jobs. */
  readonly failFast?: boolean | string;
  readonly cores?: number;
  readonly memory?: number;
  readonly license: Readonly<Record<string, number>>;
  readonly shared: boolean;
}

/** Adds the options shared by `run` and `rerun`. */
export const addRunOptions = (command: Command): Command =>
  addClusterOptions(command)
    .option('--tracking <dir>', "directory for this run's database (default: ./tracking/<timestamp>, linked from ./tracking/latest)")
    .option('--shared', 'let your group read the run: directories 0750 and database 0640 instead of 0700 and 0600 (for team tracking directories)', false)
    .option('-j, --jobs <n>', 'jobs running at once', parseCount, availableParallelism())
    .option('--interval <seconds>', 'seconds between resource samples of each running job', parseSampleInterval, 1)
    .addOption(
      new Option('--limit-warning <n>', 'a job fails with more WARNING messages than this ("none": unlimited)')
        .argParser(parseLimit)
        .default(null, 'unlimited'),
    )
    .option(
      '--limit-error <n>',
      'a job fails with more ERROR messages than this (stderr lines are ERROR unless its stderr: or parsers: say otherwise)',
      parseLimit,
      0,
    )
    .option('--limit-critical <n>', 'a job fails with more CRITICAL messages than this (UVM_FATAL with parsers: [uvm])', parseLimit, 0)
    .option('--grace <seconds>', 'on Ctrl+C, SIGTERM or a timeout, seconds between SIGTERM and SIGKILL of the jobs it stops', parseSeconds, 5)
    .option('--seed <n>', "the run seed every job's GATOR_SEED derives from: 0 to 4294967295, or random (the default)", parseRunSeed)
    .option('--timeout <duration>', 'time limit of each job whose spec sets none (90s, 30m, 2h; default: none)', parseTimeout)
    .option('--timeout-multiplier <x>', 'scale every job and group time limit by x (0 lifts them all)', parseMultiplier, 1)
    .option('--max-failures <n>', 'after n failed jobs, start nothing more (running jobs finish); exit 1', parseCount)
    .option('--fail-fast [when]', 'the same as --max-failures 1; --fail-fast=stop also stops the jobs still running')
    .option('--cores <n>', 'cores jobs may hold at once (a job holds 1 unless it asks for more with !Cores; default: the CPUs, or -j when larger)', parseCount)
    .option('--memory <size>', 'memory jobs may ask for at once with !Memory (16GB, 512MB; default: 90% of the RAM)', parseMemoryFlag)
    .option('--license <name=count>', 'a licence pool: jobs holding !License NAME run at most COUNT at once (repeatable)', collectLicense, {})
    .option('--progress', 'show a live progress panel under the log on a terminal', false)
    .option('--status-interval <seconds>', 'without a terminal, print a status line this often while jobs run (0: never)', parseSeconds, 10)
    .option('--all-msg', 'show every line of every job, not only WARNING and above', false)
    .option('-v, --verbose', "also show the runner's own DEBUG detail", false)
    .option('--quiet', 'show only failures and the final tally', false)
    .addOption(new Option('--color', 'force colour').conflicts('noColor'))
    .addOption(new Option('--no-color', 'never colour (NO_COLOR in the environment does the same)'))
    .option('--json', 'write the end-of-run report as JSON to stdout (human output goes to stderr)', false);

export function register(program: Command): void {
  const command = program
    .command('run')
    .description('run the jobs of a Gator YAML spec and record everything in one SQLite database')
    .argument('<spec>', 'the YAML spec (!JobGroup, !JobArray or !Job at the top)')
    .option('--id <ident>', "name of the root node when the spec gives none (default: the spec file's name)")
    .addHelpText(
      'after',
      [
        '',
        'Verdicts: a job passes when it exits 0 and its message counts stay within its limits. In the spec, any node',
        "can set parsers: [uvm, verilator, vcs, xcelium, questa, icarus, dsim, gcc, make, python, cocotb] (each line's",
        'severity, as it arrives), fail_patterns, pass_patterns, ignore_patterns, severity_patterns, limits: and',
        'stderr:, inherited down the tree (README, "Verdicts"). Every job gets GATOR_PARENT=127.0.0.1:PORT, its own',
        "job API endpoint: `gator log`, `gator metric`, HTTP, or Python Gator's websocket client.",
      ].join('\n'),
    );
  addRunOptions(command).action(async (spec: string, flags: RunFlags) => {
    process.exitCode = await runSpec(spec, flags, program.args);
  });
}

/** Loads and plans the spec; a spec problem is one line on stderr and exit code 2. */
async function runSpec(specPath: string, flags: RunFlags, argv: readonly string[]): Promise<number> {
  // Threads boot while the spec is read; a bad spec shuts them down before any job exists.
  // A run on a cluster has one job thread: its launcher is the run's only scheduler client.
  const booting = flags.scheduler === 'slurm' ? bootRuntime(CLUSTER_SLOTS, 1) : bootRuntime(flags.jobs);
  // Awaited later; a thread that fails to boot must not be an unhandled rejection meanwhile.
  booting.catch(() => undefined);
  // Loaded after the threads start booting, so the two overlap: start-up is paid by every run.
  const { describeSpecWarning, loadSpec, planRun, SpecError } = await import('../../spec/index.js');
  let plan: Plan;
  try {
    const root = loadSpec(specPath);
    plan = planRun(root, {
      specPath,
      launchDir: process.cwd(),
      baseEnv: process.env,
      ...(flags.id === undefined ? {} : { rootIdent: flags.id }),
      ...(flags.seed === undefined ? {} : { runSeed: flags.seed }),
      defaultTimeout: flags.timeout ?? null,
      timeoutMultiplier: flags.timeoutMultiplier,
    });
    // Before anything runs, once per place in the spec.
    for (const warning of plan.warnings ?? []) process.stderr.write(`gator: warning: ${describeSpecWarning(warning)}\n`);
  } catch (error) {
    await (await booting).kernel.shutdown();
    if (error instanceof SpecError) {
      process.stderr.write(`gator: ${error.message}\n`);
      return ExitCode.usage;
    }
    throw error;
  }
  // Not awaited here: the database is created while the threads finish booting.
  return executePlan({ plan }, flags, argv, undefined, booting);
}

interface RunControl {
  readonly pools: Pools;
  readonly maxFailures: number | null;
  readonly onMaxFailures: 'finish' | 'stop';
}

/** The pools and the fail-fast setting; a job that could never start is a UsageError naming it. */
async function runControl(plan: Plan, flags: RunFlags): Promise<RunControl> {
  const failFast = flags.failFast;
  if (failFast !== undefined && failFast !== true && failFast !== 'stop' && failFast !== 'finish') {
    throw new UsageError(`--fail-fast takes no value, or stop (stop the running jobs too) or finish; got '${String(failFast)}'`);
  }
  const maxFailures = flags.maxFailures ?? (failFast === undefined ? null : 1);
  const onMaxFailures = failFast === 'stop' ? 'stop' : 'finish';
  if (flags.scheduler === 'slurm') {
    // The cluster's scheduler admits the jobs (their !Cores, !Memory, !License and timeout are
    // sbatch options): no local pool gates them. A retry would be run from this head, so it is
    // refused rather than ignored.
    const retried = plan.nodes.find((node) => node.kind === 'job' && node.policy.retry.retries > 0);
    if (retried !== undefined) {
      const { file, line, col } = retried.pos;
      throw new UsageError(`${file}:${line}:${col}: job '${retried.path}' has retries:, which runs on this machine only, not with --scheduler slurm`);
    }
    return { pools: { slots: CLUSTER_SLOTS, cores: CLUSTER_SLOTS, memoryBytes: Number.MAX_SAFE_INTEGER, licenses: null }, maxFailures, onMaxFailures };
  }
  const { resolvePools, findImpossible } = await import('../../actors/resources/pools.js');
  const pools = resolvePools(
    flags.jobs,
    {
      ...(flags.cores === undefined ? {} : { cores: flags.cores }),
      ...(flags.memory === undefined ? {} : { memoryBytes: flags.memory }),
      licenses: flags.license,
    },
    plan.pools,
    { cpus: availableParallelism(), totalMemoryBytes: totalmem() },
  );
  const impossible = findImpossible(plan, pools);
  if (impossible !== undefined) {
    const { file, line, col } = impossible.pos;
    throw new UsageError(`${file}:${line}:${col}: ${impossible.problem}; nothing was run`);
  }
  return { pools, maxFailures, onMaxFailures };
}

/** Runs a plan with the console the flags ask for; resolves to the exit code. Used by `run` and `rerun`. */
export async function executePlan(
  planned: { plan: Plan | null },
  flags: RunFlags,
  argv: readonly string[],
  rerun?: RunRequest['rerun'],
  runtime?: Promise<RunRuntime>,
): Promise<number> {
  let tracking: Tracking;
  let control: RunControl;
  try {
    const plan = planned.plan;
    if (plan === null) throw new TypeError('executePlan needs a plan');
    // Before anything is created: a job that could never start fails the run now.
    control = await runControl(plan, flags);
    tracking = prepareTracking(flags.tracking, { shared: flags.shared });
  } catch (error) {
    await (await runtime)?.kernel.shutdown();
    if (error instanceof UsageError) {
      process.stderr.write(`gator: ${error.message}\n`);
      return ExitCode.usage;
    }
    throw error;
  }
  const human = flags.json ? process.stderr : process.stdout;
  const { createRunConsole } = await import('../../console/run-console.js');
  const runConsole = await createRunConsole({
    stream: human,
    progress: flags.progress,
    color: flags.color,
    verbose: flags.verbose,
    quiet: flags.quiet,
    allMessages: flags.allMsg,
    statusInterval: flags.statusInterval,
    reportFollows: true,
    env: process.env,
  });
  const limits: MessageLimits = { warning: limitOf(flags.limitWarning), error: limitOf(flags.limitError), critical: limitOf(flags.limitCritical) };
  const runId = randomUUID();
  let cluster: ClusterSettings | undefined;
  if (flags.scheduler === 'slurm') {
    cluster = clusterSettings(flags, runId, tracking.dir);
    const problem = await slurmProblem();
    if (problem !== null) {
      await (await runtime)?.kernel.shutdown();
      process.stderr.write(`gator: --scheduler slurm: ${problem}\n`);
      return 2;
    }
  }
  const slots = cluster === undefined ? await jobsTheRunnerCanWatch(flags.jobs, runConsole.observer, runtime) : CLUSTER_SLOTS;
  // The open-file budget may allow fewer jobs at once than -j: the slot pool is what it allows.
  const pools = cluster === undefined ? { ...control.pools, slots } : control.pools;
  const consoleSeverity = flags.verbose ? Severity.DEBUG : flags.allMsg ? Severity.INFO : Severity.WARNING;
  // The plan lives only in this function's frame, which ends once the run has it: at
  // 100,000 jobs it is tens of megabytes that would otherwise stay for the whole run.
  const { startRun: start, InterruptedBeforeStart } = await import('../../actors/start-run.js');
  const launch = (): ReturnType<typeof startRun> => {
    const plan = planned.plan;
    if (plan === null) throw new TypeError('executePlan needs a plan');
    planned.plan = null;
    // `gator attach` rebuilds the run from its plan if this process dies.
    if (cluster !== undefined) writeClusterPlan(tracking.dir, plan);
    return start(
      {
        plan,
        dbPath: tracking.dbPath,
        fileMode: tracking.modes.file,
        runId,
        settings: { limits, interval: flags.interval, grace: flags.grace, consoleSeverity, ...(cluster === undefined ? {} : { cluster }) },
        slots,
        pools,
        maxFailures: control.maxFailures,
        onMaxFailures: control.onMaxFailures,
        argv: ['gator', ...argv],
        cwd: process.cwd(),
        options: {
          jobs: flags.jobs,
          interval: flags.interval,
          grace: flags.grace,
          limits,
          scheduler: flags.scheduler,
          seed: plan.runSeed,
          timeout: flags.timeout ?? null,
          timeoutMultiplier: flags.timeoutMultiplier,
          maxFailures: control.maxFailures,
          onMaxFailures: control.onMaxFailures,
          pools,
          ...(cluster === undefined ? {} : { cluster }),
        },
        ...(rerun === undefined ? {} : { rerun }),
        interrupted: () => stopAsked !== null,
      },
      runConsole.observer,
      runtime,
    );
  };
  // Handled from before the database is made: a stop asked for while the run starts takes
  // effect between slices of the database (which is then not kept) or as soon as it runs.
  let handle: RunHandle | null = null;
  let stopAsked: boolean | null = null;
  const signals = handleSignals((force) => {
    if (handle === null) stopAsked = (stopAsked ?? false) || force;
    else handle.stop(force);
  });
  try {
    handle = await launch();
  } catch (error) {
    signals.dispose();
    await (await runtime)?.kernel.shutdown();
    runConsole.close();
    if (error instanceof InterruptedBeforeStart) {
      process.stderr.write(`gator: ${error.message}\n`);
      return ExitCode.interrupted;
    }
    throw error;
  }
  if (stopAsked !== null) handle.stop(stopAsked);
  let end: RunEnded;
  try {
    end = await handle.done;
  } finally {
    signals.dispose();
    runConsole.close();
  }
  await writeReport(end, flags, human);
  return end.exitCode;
}

/** Null when Slurm answers; else why not, in a sentence. */
async function slurmProblem(): Promise<string | null> {
  const { SlurmBackend } = await import('../../cluster/slurm/backend.js');
  try {
    await new SlurmBackend().discover();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

async function writeReport(end: RunEnded, flags: RunFlags, human: NodeJS.WriteStream): Promise<void> {
  // Loaded already by the run's console.
  const { reportFollows } = await import('../../console/tally.js');
  const shown = reportFollows(end, flags.quiet);
  // A quiet run that passed prints nothing more: it need not read the database again.
  if (!flags.json && !shown) return;
  const [{ decideColor }, { renderReport }, { readRunReport }] = await Promise.all([
    import('../../console/color.js'),
    import('../../console/report.js'),
    import('../../storage/readers/triage.js'),
  ]);
  const report = readRunReport(end.dbPath);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ...report, result: end.result, exitCode: end.exitCode, tally: end.tally }, null, 2)}\n`);
  }
  if (shown) {
    const color = decideColor({ flag: flags.color, env: process.env, isTTY: human.isTTY === true });
    human.write(renderReport(report, { color, width: human.columns ?? 100 }));
  }
}

/**
 * `-j`, or fewer when the open-file limit would not let the runner watch that many jobs at once
 * (said once). The soft limit is raised to the hard one first: Node cannot do it itself.
 */
async function jobsTheRunnerCanWatch(wanted: number, observer: RunObserver, runtime: Promise<RunRuntime> | undefined): Promise<number> {
  const { jobsWithinBudget, openFilesInUse, raiseOpenFileLimit, usesSpawnServer } = await import('../../actors/job/launch/open-files.js');
  const limits = await raiseOpenFileLimit();
  if (limits === null) return wanted;
  const facts = { limits, inUse: openFilesInUse(), spawnServer: usesSpawnServer(), jobThreads: 1 };
  // Most limits are far above any -j: only a tight one waits for the threads to count them.
  if (jobsWithinBudget(wanted, facts) === wanted) return wanted;
  const jobThreads = (await runtime)?.jobHosts.length ?? 1;
  const allowed = jobsWithinBudget(wanted, { ...facts, inUse: openFilesInUse(), jobThreads });
  if (allowed < wanted) observer.notice?.(fileBudgetNotice(wanted, allowed, limits.soft));
  return allowed;
}
