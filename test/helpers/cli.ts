// Runs the built `gator` CLI as a real process, the way users do.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const GATOR = join(ROOT, 'bin', 'gator.js');

/** A PATH on which `gator` is this repository's CLI, as after `npm install -g` (for jobs that call `gator log`). */
export const pathWithGator = (): string => {
  const bin = join(mkdtempSync(join(tmpdir(), 'gator-bin-')), 'bin');
  mkdirSync(bin);
  symlinkSync(GATOR, join(bin, 'gator'));
  return `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`;
};

export interface GatorResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Peak resident memory of the runner process, bytes (sampled from /proc while it ran). */
  readonly peakRss: number;
}

export const tempDir = (prefix = 'gator-test-'): string => mkdtempSync(join(tmpdir(), prefix));

export interface GatorOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number;
  /** Runs gator with this umask (through sh, which sets it and execs). */
  readonly umask?: number;
  /** Runs gator under this command (`['timeout', '60']`). */
  readonly under?: readonly string[];
  /** A session and process group of its own, as a terminal or a CI job gives it: `kill(-pid)` signals the group. */
  readonly detached?: boolean;
  /** Called once the process is running. */
  readonly onSpawn?: (child: ChildProcess) => void;
}

const vmHwm = (pid: number): number => {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return match === null ? 0 : Number(match[1]) * 1024;
  } catch {
    return 0;
  }
};

export const gator = (args: readonly string[], options: GatorOptions = {}): Promise<GatorResult> =>
  new Promise((resolve, reject) => {
    const argv = [...(options.under ?? []), process.execPath, GATOR, ...args];
    const [file, ...rest] = options.umask === undefined ? argv : ['sh', '-c', `umask ${options.umask.toString(8)}; exec "$@"`, 'sh', ...argv];
    const child = spawn(file!, rest, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.detached ?? false,
    });
    let stdout = '';
    let stderr = '';
    let peakRss = 0;
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const poll = setInterval(() => (peakRss = Math.max(peakRss, vmHwm(child.pid!))), 50);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`gator ${args.join(' ')} timed out\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, peakRss });
    });
    options.onSpawn?.(child);
  });

/** Opens a run database read-only. */
export const openDb = (dbPath: string): Database.Database => new Database(dbPath, { readonly: true, fileMustExist: true });

export const writeSpec = (dir: string, name: string, yaml: string): string => {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
};

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export const waitFor = async <T>(check: () => T | undefined, timeoutMs = 30_000, what = 'condition'): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/** Pids that `pgrep` finds with these arguments (`-f MARKER`, `-P PID -x NAME`, ...); none when it finds nothing. */
export const pgrep = (...args: string[]): number[] => {
  try {
    return execFileSync('pgrep', args, { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

/** Pids of processes whose command line contains `marker`. */
export const processesWith = (marker: string): number[] => pgrep('-f', marker);
