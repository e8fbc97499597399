// `gator repro [RUN] JOB`: the one shell command line that runs a job again outside gator, as
// it ran (working directory, the environment its spec added with its seed, its argv, stdin
// closed), ready to paste into a shell or a bug report.
import type { Command } from 'commander';
import { readJobs } from '../../storage/readers/jobs.js';
import { openRun } from '../../storage/readers/open-run.js';
import { findOneJob, reproCommand } from '../../storage/readers/repro.js';
import { UsageError, withUserErrors } from '../usage-error.js';

export function register(program: Command): void {
  program
    .command('repro')
    .description('print the shell command that runs one job again outside gator, exactly as it ran')
    .argument('[run]', 'a tracking directory, a run.sqlite, or a tracking root (default: ./tracking/latest)')
    .argument('<job>', 'the job: its dotted path, or a glob that matches only it')
    .usage('[run] <job>')
    .addHelpText(
      'after',
      [
        '',
        "The line is `cd DIR && env NAME=VALUE … COMMAND ARGS </dev/null`: the job's working directory",
        '(created first when the job has mkdir: true), the variables its spec added on top of your',
        'environment (GATOR_SEED, GATOR_ARRAY_INDEX, parameters and env: values), and its argv, every word',
        "quoted for a POSIX shell. Its output is the job's output, byte for byte, given the same tools.",
        '',
        'Examples:',
        '  gator repro top.sims.sim_fifo_fast_3',
        "  gator repro tracking/latest 'top.sims.*_17' | sh",
      ].join('\n'),
    )
    .action(async (first: string | undefined, second: string | undefined) => {
      await withUserErrors(() => {
        // One argument is the job; two are the run and the job.
        const [runArg, pattern] = second === undefined ? [undefined, first] : [first, second];
        if (pattern === undefined) throw new UsageError('repro: say which job (its dotted path)');
        const run = openRun(runArg);
        try {
          const job = findOneJob(readJobs(run.db), pattern);
          const line = reproCommand(job);
          if (line === null) throw new UsageError(`the run database does not record the command of ${job.path}`);
          process.stdout.write(`${line}\n`);
        } finally {
          run.close();
        }
      });
    });
}
