// How a command line names its command, the way Gator users type it: `gator SPEC` and
// `gator --progress -j 4 SPEC` mean `gator run …`, options may come before or after the spec,
// and a word that is neither a command nor a file is a mistyped command, with a suggestion.
import { existsSync } from 'node:fs';

/** What a command line asks for. */
export type CommandLine =
  /** Parse `argv` with `command` loaded (null: all commands, for help and version). */
  | { readonly type: 'command'; readonly command: string | null; readonly argv: readonly string[] }
  /** The first word is no command and no file. */
  | { readonly type: 'unknown'; readonly word: string; readonly suggestion: string | null };

const GLOBAL = new Set(['-h', '--help', '-V', '--version', 'help']);

/** Edit distance with transpositions (`reprot` is one step from `report`). */
const distance = (a: string, b: string): number => {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
};

/** The command a mistyped word most likely meant, if any is close. */
export const suggestCommand = (word: string, commands: readonly string[]): string | null => {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const command of commands) {
    const d = distance(word.toLowerCase(), command);
    if (d < bestDistance) [best, bestDistance] = [command, d];
  }
  return best !== null && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : null;
};

/** Index of the first argument that is not an option or an option's value, or -1. */
const firstPositional = (argv: readonly string[], takesValue: ReadonlySet<string>): number => {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return i + 1 < argv.length ? i + 1 : -1;
    if (!arg.startsWith('-') || arg === '-') return i;
    // `--jobs=4` and `-j4` carry their value; `--jobs 4` and `-j 4` take the next argument.
    if (arg.includes('=') || (!arg.startsWith('--') && arg.length > 2)) continue;
    if (takesValue.has(arg)) i++;
  }
  return -1;
};

export interface ReadOptions {
  readonly commands: readonly string[];
  /** The `run` options that take a value (`-j`, `--jobs`, `--tracking`, …). */
  readonly runValueOptions: ReadonlySet<string>;
  readonly fileExists?: (path: string) => boolean;
}

/** Reads which command `argv` names, and the argv commander should parse for it. */
export const readCommandLine = (argv: readonly string[], options: ReadOptions): CommandLine => {
  const { commands } = options;
  const first = argv[0];
  if (first === undefined || GLOBAL.has(first)) return { type: 'command', command: null, argv };
  if (commands.includes(first)) return { type: 'command', command: first, argv };
  const at = firstPositional(argv, options.runValueOptions);
  // Only options (`gator --progress`): run, which then says its spec is missing.
  if (at === -1) return { type: 'command', command: 'run', argv: ['run', ...argv] };
  const word = argv[at]!;
  // Options before a command name: `gator --no-color report` is `gator report --no-color`.
  if (commands.includes(word)) return { type: 'command', command: word, argv: [word, ...argv.slice(0, at), ...argv.slice(at + 1)] };
  const fileExists = options.fileExists ?? existsSync;
  // A spec is a path: an existing file, or a name with a suffix or a directory in it.
  if (fileExists(word) || /[./\\]/.test(word)) return { type: 'command', command: 'run', argv: ['run', ...argv] };
  return { type: 'unknown', word, suggestion: suggestCommand(word, commands) };
};
