// `gator hub [DIR]`: the live dashboard over the runs under a tracking directory, served to a
// browser until Ctrl+C. The server lives in hub/; this only parses options and prints the URL.
import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_TRACKING_ROOT } from '../../storage/readers/open-run.js';
import { handleSignals } from '../signals.js';
import { UsageError, withUserErrors } from '../usage-error.js';

interface HubFlags {
  readonly host: string;
  readonly port: number;
}

const parsePort = (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('expected a port number, 0 to 65535 (0: any free port)');
  return n;
};

export function register(program: Command): void {
  program
    .command('hub')
    .description('serve a live web dashboard of the runs under a tracking directory')
    .argument('[dir]', "a tracking directory, one run's directory, or a run.sqlite", DEFAULT_TRACKING_ROOT)
    .option('--host <address>', 'the interface to listen on; anything but loopback requires the access token printed with the URL', '127.0.0.1')
    .option('-p, --port <port>', 'the port to listen on (0: any free port)', parsePort, 0)
    .addHelpText(
      'after',
      [
        '',
        'The hub reads the run databases read-only, as gator query does, and notices new runs and new commits',
        'of live runs by itself: nothing needs to be started beside it. It prints the URL to open; with',
        '--host other than 127.0.0.1/localhost/::1 that URL carries an access token (printed once), and',
        'requests without it are refused. Ctrl+C stops it.',
        '',
        'Examples:',
        '  gator hub',
        '  gator hub /shared/regressions/tracking --port 8080',
        '  gator hub --host 0.0.0.0 --port 8080      # reachable from other machines, with a token',
      ].join('\n'),
    )
    .action(async (dir: string, flags: HubFlags) => {
      await withUserErrors(() => hub(dir, flags));
    });
}

async function hub(dir: string, flags: HubFlags): Promise<void> {
  const { startHub } = await import('../../hub/server/start.js');
  let running;
  try {
    // Started before the first run, the default ./tracking may not exist yet: wait for it.
    running = await startHub({ dir, host: flags.host, port: flags.port, waitForDir: dir === DEFAULT_TRACKING_ROOT });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${flags.port} on ${flags.host} is in use; choose another with --port, or --port 0 for any free one`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new UsageError(`cannot listen on ${flags.host}: no such interface here`);
    throw error;
  }
  process.stdout.write(`gator hub: serving ${dir} at ${running.url}\n`);
  if (!running.dirExists) process.stdout.write(`gator hub: ${dir} does not exist yet; runs appear here as soon as gator run creates it\n`);
  if (running.token !== null) process.stdout.write('gator hub: the URL carries the access token; anyone with it can read these runs\n');
  process.stdout.write('gator hub: Ctrl+C stops it\n');
  await new Promise<void>((resolve) => {
    const signals = handleSignals(() => {
      signals.dispose();
      void running.close().then(resolve, resolve);
    });
  });
}
