// The `gator` command line: a thin layer that parses arguments and hands over to commands.
import { Command, CommanderError } from 'commander';
import { ExitCode } from '../vocabulary/codes.js';
import { readCommandLine } from './command-line.js';

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
  repro: () => import('./commands/repro.js'),
  log: () => import('./commands/job-api.js'),
  metric: () => import('./commands/job-api.js'),
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
  // One module may register several commands (log and metric): register each module once.
  for (const module of new Set(await Promise.all(names.map((name) => COMMANDS[name]!())))) module.register(program);
  return program;
};

const VERSION = '0.1.0';

/** The flags of a command's options that take a value (`-j`, `--jobs`, …). */
const valueOptionsOf = (program: Command, name: string): ReadonlySet<string> => {
  const command = program.commands.find((c) => c.name() === name);
  const flags = (command?.options ?? []).filter((option) => option.required || option.optional).flatMap((option) => [option.short, option.long]);
  return new Set(flags.filter((flag): flag is string => flag !== undefined));
};

/** Runs the CLI and resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const names = Object.keys(COMMANDS);
  const direct = argv[0] !== undefined && names.includes(argv[0]);
  // Which options of `run` take a value decides where the spec is among the arguments.
  const runProgram = direct ? null : await buildProgram(['run']);
  const line = readCommandLine(argv, { commands: names, runValueOptions: runProgram === null ? new Set() : valueOptionsOf(runProgram, 'run') });
  if (line.type === 'unknown') {
    const hint = line.suggestion === null ? '' : ` (did you mean '${line.suggestion}'?)`;
    process.stderr.write(`gator: unknown command '${line.word}'${hint}, and no spec file of that name; see gator --help\n`);
    return ExitCode.usage;
  }
  const program = line.command === 'run' && runProgram !== null ? runProgram : await buildProgram(line.command === null ? names : [line.command]);
  process.exitCode = undefined;
  try {
    await program.parseAsync(line.argv, { from: 'user' });
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
