// `gator rerun [RUN] --failed | --job GLOB`: run jobs of an earlier run again, exactly as they
// ran, as a new run that records which run and which jobs it repeats.
import { type Command } from 'commander';
import { NothingToRerunError } from '../../storage/readers/errors.js';
import { readJobs } from '../../storage/readers/jobs.js';
import { ExitCode } from '../../vocabulary/codes.js';
import { runStatus } from '../../storage/readers/liveness.js';
import { openRun } from '../../storage/readers/open-run.js';
import { readRun } from '../../storage/readers/run-info.js';
import { planRerun, type RerunPlan } from '../../storage/readers/rerun-plan.js';
import type { RunRow } from '../../storage/readers/run-info.js';
import { randomRunSeed } from '../../spec/seed.js';
import { UsageError, withUserErrors } from '../usage-error.js';
import { addRunOptions, executePlan, type RunFlags } from './run.js';

interface RerunFlags extends RunFlags {
  readonly failed: boolean;
  readonly job: string[];
  readonly newSeeds: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function register(program: Command): void {
  const command = program
    .command('rerun')
    .description('run jobs of an earlier run again, as they ran, as a new run that records what it repeats')
    .argument('[run]', 'a tracking directory, a run.sqlite, or a tracking root (default: ./tracking/latest)')
    .option('--failed', 'the jobs that failed (and those cut off when the runner died)', false)
    .option('--job <glob>', 'the jobs under paths matching this glob (repeatable; with --failed, only failed ones)', collect, [])
    .option('--new-seeds', 'give each job a fresh seed (from --seed, else a random run seed) instead of the one it had', false);
  addRunOptions(command)
    .addHelpText(
      'after',
      [
        '',
        'Each job runs with the command, arguments, environment overlay (GATOR_ARRAY_INDEX and its GATOR_SEED',
        'included), working directory, resources, timeout and retries it had, under a root group "rerun", with',
        'its original ident where that is unique (else its path with "." replaced by "__"). Dependencies',
        "between them are not repeated. The new run's run.rerun_of is the earlier run's id and each job's",
        'jobs.rerun_of the node it repeats; `gator runs` shows it.',
        '',
        'Seeds: each job keeps its seed, so a failure reproduces. --new-seeds (or --seed N) draws a new run',
        "seed and gives each job the seed it derives for the job's original path, everywhere the old one was",
        '(GATOR_SEED, and ${GATOR_SEED} in its argv, env and cwd); a seed pinned with seed: stays.',
        '',
        'Examples:',
        '  gator rerun --failed',
        '  gator rerun --failed --new-seeds',
        "  gator rerun tracking/2024-05-01T14-03-00.000 --job 'top.sims.sim_1*'",
      ].join('\n'),
    )
    .action(async (run: string | undefined, flags: RerunFlags) => {
      let planned: { rerun: RerunPlan; info: RunRow } | undefined;
      const human = flags.json ? process.stderr : process.stdout;
      await withUserErrors(() => {
        if (!flags.failed && flags.job.length === 0) throw new UsageError('rerun: say which jobs: --failed, --job GLOB, or both');
        try {
          planned = plan(run, flags);
        } catch (error) {
          // Nothing failed: a fine answer to `rerun --failed`, not a usage error.
          if (!(error instanceof NothingToRerunError)) throw error;
          human.write(`${error.message[0]!.toUpperCase()}${error.message.slice(1)}\n`);
          process.exitCode = ExitCode.success;
        }
      });
      if (planned === undefined) return;
      const { rerun, info } = planned;
      human.write(`Rerunning ${rerun.selected.length} job${rerun.selected.length === 1 ? '' : 's'} of run ${info.id}\n`);
      process.exitCode = await executePlan({ plan: rerun.plan }, flags, program.args, { runId: info.id, nodeOrigins: rerun.nodeOrigins });
    });
}

function plan(runArg: string | undefined, flags: RerunFlags): { rerun: RerunPlan; info: RunRow } {
  const run = openRun(runArg);
  try {
    const info = readRun(run.db, run.dbPath);
    const status = runStatus(info);
    const newSeeds = flags.newSeeds || flags.seed !== undefined;
    const rerun = planRerun(readJobs(run.db), info, status, { failed: flags.failed, globs: flags.job }, process.cwd(), {
      newRunSeed: newSeeds ? (flags.seed ?? randomRunSeed()) : null,
      defaultTimeout: flags.timeout ?? null,
      timeoutMultiplier: flags.timeoutMultiplier,
    });
    return { rerun, info };
  } finally {
    run.close();
  }
}
