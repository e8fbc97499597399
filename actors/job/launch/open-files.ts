// The runner's open-file budget. A common soft limit is 1024 while the hard limit is far
// higher, and Node has no setrlimit: at start the runner asks for its soft limit to be raised
// to the hard one (prlimit(2) by the spawn-server binary, else util-linux's prlimit(1)), then
// keeps the jobs running at once within what the limit allows. A job is never failed for a
// shortage of the runner's (the launchers report one as such; the job waits and starts later).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { SERVER_BINARY } from './launcher.js';

export interface FileLimits {
  readonly soft: number;
  readonly hard: number;
}

/**
 * Open files a running job costs where they are held. Through Node: its stdout and stderr pipes
 * in the runner, and its /proc stat file while the sampler reads it (measured: 100 jobs, 200
 * more descriptors). Through the spawn server: two pipes in the server (which runs at its hard
 * limit) and only the sampler's file in the runner. Either way, in the runner, the job's API
 * endpoint: its listening socket and the connection a job's client usually holds.
 */
const API_FILES_PER_JOB = 2;
const NODE_FILES_PER_JOB = 3 + API_FILES_PER_JOB;
const SAMPLED_FILES_PER_JOB = 1 + API_FILES_PER_JOB;
const SERVER_FILES_PER_JOB = 2;
/** Kept free for what the runner opens during the run: the database, sockets, a report. */
const RESERVE = 64;
/** The spawn server's own descriptors, and the six a spawn holds for a moment. */
const SERVER_BASE = 16;

/** The limits of this process (or `pid`), from /proc; null where there is no /proc. */
export const readFileLimits = (pid: number | 'self' = 'self'): FileLimits | null => {
  try {
    const line = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(readFileSync(`/proc/${pid}/limits`, 'latin1'));
    if (line === null) return null;
    const value = (text: string): number => (text === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(text));
    return { soft: value(line[1]!), hard: value(line[2]!) };
  } catch {
    return null;
  }
};

/** Descriptors this process has open now. */
export const openFilesInUse = (): number => {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return 0;
  }
};

const run = (file: string, args: readonly string[]): Promise<boolean> =>
  new Promise((resolve) => execFile(file, args, { timeout: 10_000 }, (error) => resolve(error === null)));

/** Raises this process's soft open-file limit to its hard limit; resolves to the limits then in force. */
export const raiseOpenFileLimit = async (): Promise<FileLimits | null> => {
  const before = readFileLimits();
  if (before === null || before.soft >= before.hard) return before;
  const pid = String(process.pid);
  if (!(existsSync(SERVER_BINARY) && (await run(SERVER_BINARY, ['--raise-open-files', pid])))) {
    await run('prlimit', ['--pid', pid, `--nofile=${before.hard}:${before.hard}`]);
  }
  return readFileLimits();
};

export interface BudgetFacts {
  readonly limits: FileLimits;
  /** Descriptors the runner holds before any job runs. */
  readonly inUse: number;
  /** Whether jobs start through the spawn server (else through Node). */
  readonly spawnServer: boolean;
  /** Job threads, each with a spawn server of its own. */
  readonly jobThreads: number;
}

/** How many jobs may run at once without running the runner out of open files (at least one). */
export const jobsWithinBudget = (wanted: number, facts: BudgetFacts): number => {
  const runnerRoom = Math.floor((facts.limits.soft - facts.inUse - RESERVE) / (facts.spawnServer ? SAMPLED_FILES_PER_JOB : NODE_FILES_PER_JOB));
  const serverRoom = facts.jobThreads * Math.floor((facts.limits.hard - SERVER_BASE) / SERVER_FILES_PER_JOB);
  return Math.max(1, Math.min(wanted, runnerRoom, facts.spawnServer ? serverRoom : runnerRoom));
};

/** Whether this run's jobs will start through the spawn server (as `createLauncher` decides). */
export const usesSpawnServer = (env: NodeJS.ProcessEnv = process.env): boolean => env.GATOR_SPAWN_SERVER !== '0' && existsSync(SERVER_BINARY);
