// The `gator` command line: a thin layer that parses arguments and hands over to commands.
import { Command, CommanderError } from 'commander';
import { ExitCode } from '../vocabulary/codes.js';

type Register = (program: Command) => void;

// Each command loads only when asked for: start-up is part of every run's cost.
const COMMANDS: Readonly<Record<string, () => Promise<{ register: Register }>>> = {
  run: () => import('./commands/run.js'),
  query: () => import('./commands/query.js'),
  replay: () => import('./commands/replay.js'),
  report: () => import('./commands/report.js'),
  runs: () => import('./commands/runs.js'),
  rerun: () => import('./commands/rerun.js'),
  attach: () => import('./commands/attach.js'),
  hub: () => import('./commands/hub.js'),
};

/** The commands this command line needs: the one it names, or all of them for help. */
const commandsFor = (argv: readonly string[]): string[] => {
  const first = argv[0];
  if (first !== undefined && first in COMMANDS) return [first];
  if (first === undefined || first.startsWith('-') || first === 'help') return Object.keys(COMMANDS);
  return ['run'];
};

const buildProgram = async (names: readonly string[]): Promise<Command> => {
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
      "\nRun `gator <command> --help` for a command's options. `gator SPEC.yaml` is short for `gator run SPEC.yaml`.\n" +
        'Exit codes: 0 all passed, 1 something failed, 2 bad spec or usage, 3 the runner itself failed, 130 interrupted.',
    );
  for (const module of await Promise.all(names.map((name) => COMMANDS[name]!()))) module.register(program);
  return program;
};

const VERSION = '0.1.0';

/** `gator SPEC` is how Gator users type it: treat a first argument that is not a command as `run SPEC`. */
const withImplicitRun = (argv: readonly string[]): string[] => {
  const first = argv[0];
  if (first === undefined || first.startsWith('-') || first === 'help' || first in COMMANDS) return [...argv];
  return ['run', ...argv];
};

/** Runs the CLI and resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = await buildProgram(commandsFor(argv));
  process.exitCode = undefined;
  try {
    await program.parseAsync(withImplicitRun(argv), { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not failures; every other parse problem is a usage error.
      return error.exitCode === 0 ? ExitCode.success : ExitCode.usage;
    }
    // A user error that a command did not turn into its one line itself (two runs racing for
    // one --tracking directory find out only as the database is linked into place).
    const { isUserError, USAGE_EXIT } = await import('./usage-error.js');
    if (isUserError(error)) {
      process.stderr.write(`gator: ${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
      return USAGE_EXIT;
    }
    throw error;
  }
  return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.success;
}
