// The external tools the baselines and the measurements need, installed with apt when the
// harness runs as root (and is allowed to), else reported missing so their rows are skipped.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { GNU_TIME, type Timer } from './measure.js';

export interface Tools {
  readonly timer: Timer;
  /** Null when GNU parallel is available; else why its baseline is skipped. */
  readonly parallelMissing: string | null;
  /** What was installed or could not be, for the report. */
  readonly notes: readonly string[];
}

const isGnuParallel = (): boolean => {
  const result = spawnSync('parallel', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 30_000 });
  return result.status === 0 && result.stdout.includes('GNU parallel');
};

const isRoot = (): boolean => process.getuid?.() === 0;

const aptInstall = (pkg: string): boolean => {
  const install = (): boolean =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', pkg], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 300_000,
    }).status === 0;
  if (install()) return true;
  spawnSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 });
  return install();
};

export const prepareTools = (options: { readonly install: boolean; readonly log: (line: string) => void }): Tools => {
  const notes: string[] = [];
  const mayInstall = options.install && isRoot();
  if (!existsSync(GNU_TIME) && mayInstall) {
    options.log('installing GNU time (apt-get install -y time)');
    notes.push(aptInstall('time') ? 'installed package `time` with apt-get' : 'apt-get install time failed');
  }
  const timer: Timer = existsSync(GNU_TIME) ? 'gnu-time' : 'sh-times';
  if (timer === 'sh-times') notes.push('GNU time (/usr/bin/time) missing: CPU from the shell `times` builtin, peak RSS unknown');

  let parallelMissing: string | null = null;
  if (!isGnuParallel()) {
    if (mayInstall) {
      options.log('installing GNU parallel (apt-get install -y parallel)');
      notes.push(aptInstall('parallel') ? 'installed package `parallel` with apt-get' : 'apt-get install parallel failed');
    }
    if (!isGnuParallel()) {
      parallelMissing = mayInstall
        ? 'GNU parallel missing and could not be installed'
        : 'GNU parallel missing (install it with `apt-get install -y parallel`; the harness installs it itself when run as root)';
    }
  }
  return { timer, parallelMissing, notes };
};
