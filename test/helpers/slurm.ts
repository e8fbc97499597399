// Gate for the tests that need a real Slurm: they run when a controller answers and are
// skipped, saying why, otherwise. With GATOR_TEST_SLURM=1 (set by .ci/run once it has started
// a cluster) a missing cluster is a failure, never a silent skip.
import { execFileSync } from 'node:child_process';

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
