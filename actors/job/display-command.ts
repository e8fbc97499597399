// A command line as a person would type it, for display only: jobs never go through a shell.
const quote = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`);

export const displayCommand = (command: string, args: readonly string[]): string => [command, ...args].map(quote).join(' ');
