// `gator log` and `gator metric` in the command tree, for --help. bin/gator.js runs them without
// loading the CLI (cli/job-api-client.ts), and so does this action: the arguments go through
// unparsed, to the one parser the fast path uses.
import type { Command } from 'commander';
import { runJobCommand, type JobCommand } from '../job-api-client.js';

const HELP: Readonly<Record<JobCommand, { readonly usage: string; readonly about: string; readonly more: readonly string[] }>> = {
  log: {
    usage: '[-s SEVERITY] MESSAGE... | [-s SEVERITY] -',
    about: "from inside a job: store a message in the job's log (stream api), as Gator's job API log does",
    more: [
      'Options:',
      '  -s, --severity <name>  DEBUG, INFO (default), WARNING, ERROR or CRITICAL; an ERROR or CRITICAL message',
      "                         counts against the job's limits like an output line, so by default it fails the job",
      '  -                      read messages from stdin, one per line, sent in batches',
      '',
      "Reads the job's endpoint from GATOR_PARENT (set for every job of `gator run`). Exit codes: 0 stored,",
      '1 refused or the endpoint is gone, 2 usage (bad arguments, GATOR_PARENT not set).',
      'The same over HTTP: curl -sd \'{"severity":"WARNING","message":"hello"}\' http://$GATOR_PARENT/log',
    ],
  },
  metric: {
    usage: 'NAME VALUE [NAME VALUE]... | -',
    about: 'from inside a job: record one or more named numbers for the job (views metrics, metric_values, metric_rollup)',
    more: [
      'Arguments:',
      '  NAME VALUE  a metric name (not starting msg_ or sub_) and a finite number; several pairs go in one request',
      '  -           read NAME VALUE lines from stdin, sent in batches (the fast way to report many)',
      '',
      "Reads the job's endpoint from GATOR_PARENT (set for every job of `gator run`). The last value per name",
      "is the job's; groups, arrays and the run roll them up (count, sum, min, max, mean). Exit codes: 0 stored,",
      '1 refused or the endpoint is gone, 2 usage. The same over HTTP:',
      '  curl -sd \'{"name":"coverage","value":87.5}\' http://$GATOR_PARENT/metric',
    ],
  },
};

export function register(program: Command): void {
  for (const name of ['log', 'metric'] as const) {
    const help = HELP[name];
    program
      .command(name)
      .usage(help.usage)
      .description(help.about)
      .argument(name === 'log' ? '[message...]' : '[name-value...]')
      .allowUnknownOption()
      .helpOption('-h, --help', 'show this help')
      .addHelpText('after', `\n${help.more.join('\n')}`)
      .action(async (_args: string[], _options: unknown, command: Command) => {
        process.exitCode = await runJobCommand(name, command.args);
      });
  }
}
