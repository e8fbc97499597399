// Facts about the machine for the report, and the machine-wide CPU counter that lets each
// measurement say how much of the machine other processes were using meanwhile.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { ROOT } from './paths.js';

export interface MachineInfo {
  readonly date: string;
  readonly nproc: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly node: string;
  readonly loadAtStart: readonly number[];
  readonly commit: string;
}

const git = (args: readonly string[]): string | null => {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
};

export const machineInfo = (): MachineInfo => {
  // A snapshot (e.g. a `git archive` export benchmarked away from a busy checkout) has no .git: it names its commit.
  const named = process.env.GATOR_BENCH_COMMIT;
  const head = named ?? git(['rev-parse', '--short', 'HEAD']);
  const dirty = named === undefined ? git(['status', '--porcelain', '--untracked-files=no']) : '';
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: totalmem() / 2 ** 30,
    kernel: release(),
    node: process.version,
    loadAtStart: loadavg(),
    commit: head === null ? 'unknown (not a git checkout)' : dirty === null || dirty === '' ? head : `${head} with uncommitted changes`,
  };
};

/** Clock ticks per second of /proc/stat (USER_HZ); 100 on every Linux build that matters. */
const USER_HZ = 100;

/** Busy CPU seconds of the whole machine since boot (all cores, idle and iowait excluded); null off Linux. */
export const machineBusyS = (): number | null => {
  try {
    const line = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0] ?? '';
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already inside user).
    const busy = [0, 1, 2, 5, 6, 7].reduce((sum, i) => sum + (fields[i] ?? 0), 0);
    return busy / USER_HZ;
  } catch {
    return null;
  }
};
