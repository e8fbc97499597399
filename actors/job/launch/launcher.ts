// How a job's process is started and watched. Two ways behind one interface: through the
// spawn server (a small C process that forks cheaply and batches every job's output into one
// pipe) or, where it was not built, through Node's own child_process.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NodeLauncher } from './node-launcher.js';
import { SpawnServer } from './spawn-server.js';
import type { TreeSample } from '../sampler.js';

export interface LaunchSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The whole environment of the process. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * After a job's own process has been reaped, how long processes it left behind may keep its
 * output pipes open (a `setsid daemon &` holds them for as long as it lives) before the pipes
 * are closed and the job ends with its output marked as cut. The spawn server's DRAIN_MS.
 */
export const DRAIN_MS = 2000;

/** Called in this order: `started` or `failed`, then `output` any number of times, then `ended` or `lost`. */
export interface LaunchListener {
  /** A launcher that runs the process elsewhere samples it there and reports each sample. */
  sample?(sample: TreeSample): void;
  /** A launcher's own line about the job (a cluster's cancel, refusal or loss): a runtime message. */
  note?(severity: 'DEBUG' | 'WARNING' | 'ERROR', text: string): void;
  /** A cluster leaf: every frame up to this spool offset has been delivered. */
  ingested?(offset: number): void;
  /** A cluster leaf: the scheduler is ending it for its time limit, of this many seconds (null: not known). */
  timeLimit?(seconds: number | null): void;
  /** A cluster leaf: the scheduler's id for it and, once it runs, its host. */
  placed?(clusterId: string, host: string | null): void;
  started(pid: number): void;
  /**
   * The process never ran; `code` is the errno name (ENOENT, EACCES, ...). `shortage`: the
   * runner ran short of open files, processes or memory, which is no fault of the job: it may
   * be started again later.
   */
  failed(code: string, message: string, shortage: boolean): void;
  output(stream: 0 | 1, chunk: Buffer): void;
  /**
   * The process was reaped and both its output pipes closed. `cut`: processes it left behind
   * held them open past the drain (or past `cut()`), so they were closed: output may be missing.
   */
  ended(exitCode: number | null, signal: NodeJS.Signals | null, cut: boolean): void;
  /** What watched the process is gone; its fate is unknown. */
  lost(reason: string): void;
}

export interface Launched {
  /** Stops reading the process's output, so a full pipe holds it back. */
  pause(): void;
  resume(): void;
  /**
   * Set when the process runs on another host: it is stopped through the launcher, never by
   * signalling a local process group, and its pid means nothing here.
   */
  readonly remote?: { stop(force: boolean): void };
  /** Its group was SIGKILLed: once its process is reaped, end at once, without a drain. */
  cut(): void;
}

export interface Launcher {
  launch(spec: LaunchSpec, listener: LaunchListener): Launched;
}

/** Strings a process can be given: the kernel's are NUL-terminated, so a NUL would cut them short. */
export const nulIn = (spec: LaunchSpec): string | null => {
  if ([spec.command, ...spec.args, spec.cwd].some((text) => text.includes('\0'))) return 'its command line or working directory';
  for (const key in spec.env) if (key.includes('\0') || spec.env[key]?.includes('\0') === true) return 'its environment';
  return null;
};

/** Tells `listener` (after the caller has its handle) that the process was refused: `where` held a NUL. */
export const refuseLaunch = (listener: LaunchListener, where: string): Launched => {
  queueMicrotask(() => listener.failed('EINVAL', `${where} holds a NUL character, which no process can be given`, false));
  return { pause: () => undefined, resume: () => undefined, cut: () => undefined };
};

export const SERVER_BINARY = fileURLToPath(new URL('../../../native/gator-spawn', import.meta.url));

/** How a thread's launcher was chosen, for the runner's DEBUG detail. */
export interface LauncherChoice {
  readonly launcher: Launcher;
  /** Null for the spawn server; else why jobs start through Node. */
  readonly fallback: string | null;
}

/** A thread's launcher: the spawn server when it was built, unless GATOR_SPAWN_SERVER=0. */
export const createLauncher = (env: NodeJS.ProcessEnv = process.env): LauncherChoice => {
  if (env.GATOR_SPAWN_SERVER === '0') return { launcher: new NodeLauncher(), fallback: 'GATOR_SPAWN_SERVER=0' };
  if (!existsSync(SERVER_BINARY)) return { launcher: new NodeLauncher(), fallback: `the spawn server was not built (${SERVER_BINARY})` };
  const server = SpawnServer.start(SERVER_BINARY);
  if (server === null) return { launcher: new NodeLauncher(), fallback: `the spawn server could not start (${SERVER_BINARY})` };
  return { launcher: server, fallback: null };
};
