// Starts each process with Node's child_process: every spawn forks the whole runner. Used
// where the spawn server was not built, after it died, or with GATOR_SPAWN_SERVER=0.
import { spawn } from 'node:child_process';
import { DRAIN_MS, nulIn, refuseLaunch, type Launched, type Launcher, type LaunchListener, type LaunchSpec } from './launcher.js';
import { Reaper } from './reaper.js';

/** Errors of a spawn that are the runner's or the machine's shortage, not the job's. */
const SHORTAGES = new Set(['EMFILE', 'ENFILE', 'EAGAIN', 'ENOMEM']);

export class NodeLauncher implements Launcher {
  /** Kills this launcher's jobs should the runner die without running any code (SIGKILL). */
  readonly #reaper = new Reaper();

  launch(spec: LaunchSpec, listener: LaunchListener): Launched {
    const nul = nulIn(spec);
    if (nul !== null) return refuseLaunch(listener, nul);
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a stop reaches every process the job started.
      detached: true,
    });
    const streams = [child.stdout, child.stderr].filter((stream) => stream !== null);
    child.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'UNKNOWN';
      if (child.pid === undefined) listener.failed(code, error.message, SHORTAGES.has(code));
    });
    const pid = child.pid;
    if (pid === undefined) return { pause: () => undefined, resume: () => undefined, cut: () => undefined };
    this.#reaper.watch(pid);
    listener.started(pid);
    child.stdout.on('data', (chunk: Buffer) => listener.output(0, chunk));
    child.stderr.on('data', (chunk: Buffer) => listener.output(1, chunk));
    let cut = false;
    let drain: NodeJS.Timeout | null = null;
    /** Stops waiting for output that processes the job left behind may hold back. */
    const closePipes = (): void => {
      for (const stream of streams) {
        if (stream.readableEnded || stream.destroyed) continue;
        cut = true;
        stream.destroy();
      }
    };
    let cutAtExit = false;
    let paused = false;
    let exited = false;
    /** What the process wrote before it exited is in the pipes: read it, then wait a short while for what it left behind. */
    const armDrain = (): void => {
      if (drain !== null) clearTimeout(drain);
      // Paused, nothing is read: the clock starts again at resume, so no written line is lost.
      drain = exited && !paused && !cutAtExit ? setTimeout(closePipes, DRAIN_MS) : null;
    };
    child.on('exit', () => {
      exited = true;
      if (cutAtExit) setImmediate(closePipes);
      else armDrain();
    });
    child.on('close', (code, signal) => {
      if (drain !== null) clearTimeout(drain);
      this.#reaper.forget(pid);
      listener.ended(code, signal, cut);
    });
    return {
      pause: () => {
        paused = true;
        streams.forEach((stream) => stream.pause());
        armDrain();
      },
      resume: () => {
        paused = false;
        streams.forEach((stream) => stream.resume());
        armDrain();
      },
      cut: () => {
        cutAtExit = true;
        if (child.exitCode !== null || child.signalCode !== null) setImmediate(closePipes);
      },
    };
  }
}
