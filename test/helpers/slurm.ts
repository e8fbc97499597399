// Gate for the tests that need a real Slurm: they run when a controller answers and are
// skipped, saying why, otherwise. With GATOR_TEST_SLURM=1 (set by .ci/run once it has started
// a cluster) a missing cluster is a failure, never a silent skip.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const answers = (): boolean => {
  try {
    return execFileSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 }).trim() !== '';
  } catch {
    return false;
  }
};

const available = answers();

/** `skip` option for node:test: false when a cluster answers, else the reason. */
export const slurmSkip: string | false = (() => {
  if (available) return false;
  if (process.env.GATOR_TEST_SLURM === '1') throw new Error('GATOR_TEST_SLURM=1 but no Slurm controller answers `sinfo`');
  return 'skipped: no Slurm cluster answers `sinfo` (.ci/run starts one; see .ci/slurm.sh)';
})();

if (slurmSkip !== false) process.stdout.write(`# Slurm tests ${slurmSkip}\n`);

/** Lines of `squeue` for a job name (all states, one line per array task). */
export const squeueLines = (name: string, format = '%i|%T|%r'): string[] => {
  try {
    return execFileSync('squeue', ['--me', '-h', '-r', '-t', 'all', '-n', name, '-o', format], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.trim() !== '');
  } catch {
    return [];
  }
};

/** Active (pending or running) jobs of a job name. */
export const activeJobs = (name: string): string[] => {
  try {
    return execFileSync('squeue', ['--me', '-h', '-r', '-t', 'PENDING,RUNNING,CONFIGURING,COMPLETING', '-n', name, '-o', '%i'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.trim() !== '');
  } catch {
    return [];
  }
};

/**
 * A PATH shim for `sbatch` that logs each call (time and argv, one JSON line) and passes it on
 * to the real one; the first `failFirst` calls fail instead with `message` on stderr.
 */
export const sbatchShim = (
  dir: string,
  failFirst = 0,
  message = 'sbatch: error: Batch job submission failed: Socket timed out on send/recv operation',
): { path: string; calls: () => { ts: number; argv: string[] }[]; cancels: () => number } => {
  const bin = join(dir, 'shim-bin');
  mkdirSync(bin, { recursive: true });
  const log = join(dir, 'sbatch-calls.log');
  const count = join(dir, 'sbatch-count');
  const real = execFileSync('sh', ['-c', 'command -v sbatch'], { encoding: 'utf8' }).trim();
  writeFileSync(join(dir, 'sbatch-message'), `${message}\n`);
  writeFileSync(
    join(bin, 'sbatch'),
    `#!/bin/sh
n=$(cat '${count}' 2>/dev/null || echo 0); n=$((n + 1)); echo $n > '${count}'
node -e 'process.stdout.write(JSON.stringify({ ts: Date.now() / 1000, argv: process.argv.slice(1) }) + "\\n")' -- "$@" >> '${log}'
if [ $n -le ${failFirst} ]; then cat '${join(dir, 'sbatch-message')}' >&2; exit 1; fi
exec '${real}' "$@"
`,
    { mode: 0o755 },
  );
  const cancelLog = join(dir, 'scancel-calls.log');
  const realCancel = execFileSync('sh', ['-c', 'command -v scancel'], { encoding: 'utf8' }).trim();
  writeFileSync(join(bin, 'scancel'), `#!/bin/sh\necho "$*" >> '${cancelLog}'\nexec '${realCancel}' "$@"\n`, { mode: 0o755 });
  return {
    cancels: () => {
      try {
        return readFileSync(cancelLog, 'utf8')
          .split('\n')
          .filter((line) => line !== '').length;
      } catch {
        return 0;
      }
    },
    path: `${bin}:${process.env.PATH ?? ''}`,
    calls: () => {
      try {
        return readFileSync(log, 'utf8')
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as { ts: number; argv: string[] });
      } catch {
        return [];
      }
    },
  };
};

/** `scontrol show job -o` of one job id, as key=value pairs. */
export const showJob = (id: string): Map<string, string> => {
  const text = execFileSync('scontrol', ['show', 'job', '-o', id], { encoding: 'utf8' });
  const values = new Map<string, string>();
  for (const match of text.matchAll(/(\w+(?:\/\w+)?)=(\S*)/g)) if (!values.has(match[1]!)) values.set(match[1]!, match[2]!);
  return values;
};
