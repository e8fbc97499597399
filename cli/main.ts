// The `gator` command line: a thin layer that parses arguments and hands over to commands.
import { Command, CommanderError } from 'commander';
import { register as registerQuery } from './commands/query.js';
import { register as registerRerun } from './commands/rerun.js';
import { register as registerReplay } from './commands/replay.js';
import { register as registerReport } from './commands/report.js';
import { register as registerRun } from './commands/run.js';
import { register as registerRuns } from './commands/runs.js';

const buildProgram = (): Command => {
  const program = new Command('gator')
    .description(
      'Run a hierarchy of jobs described in Gator YAML, keep every line they print and every resource sample\n' +
        'in one SQLite database per run, and query, replay and report on it afterwards.',
    )
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) })
    .addHelpText(
      'after',
      '\nRun `gator <command> --help` for a command\'s options. `gator SPEC.yaml` is short for `gator run SPEC.yaml`.\n' +
        'Exit codes: 0 all passed, 1 something failed, 2 bad spec or usage, 130 interrupted.',
    );
  registerRun(program);
  registerQuery(program);
  registerReplay(program);
  registerReport(program);
  registerRuns(program);
  registerRerun(program);
  return program;
};

const VERSION = '0.1.0';

/** `gator SPEC` is how Gator users type it: treat a first argument that is not a command as `run SPEC`. */
const withImplicitRun = (program: Command, argv: readonly string[]): string[] => {
  const first = argv[0];
  if (first === undefined || first.startsWith('-')) return [...argv];
  const known = new Set(program.commands.flatMap((command) => [command.name(), ...command.aliases()]));
  known.add('help');
  return known.has(first) ? [...argv] : ['run', ...argv];
};

/** Runs the CLI and resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  process.exitCode = undefined;
  try {
    await program.parseAsync(withImplicitRun(program, argv), { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not failures; every other parse problem is a usage error.
      return error.exitCode === 0 ? 0 : 2;
    }
    throw error;
  }
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}
