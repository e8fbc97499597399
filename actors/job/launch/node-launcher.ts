// Starts each process with Node's child_process: every spawn forks the whole runner.
import { spawn } from 'node:child_process';
import type { Launched, Launcher, LaunchListener, LaunchSpec } from './launcher.js';

export class NodeLauncher implements Launcher {
  launch(spec: LaunchSpec, listener: LaunchListener): Launched {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a stop reaches every process the job started.
      detached: true,
    });
    const streams = [child.stdout, child.stderr].filter((stream) => stream !== null);
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) listener.failed(error.code ?? 'UNKNOWN', error.message);
    });
    if (child.pid !== undefined) {
      listener.started(child.pid);
      child.stdout.on('data', (chunk: Buffer) => listener.output(0, chunk));
      child.stderr.on('data', (chunk: Buffer) => listener.output(1, chunk));
      child.on('close', (code, signal) => listener.ended(code, signal));
    }
    return {
      pause: () => streams.forEach((stream) => stream.pause()),
      resume: () => streams.forEach((stream) => stream.resume()),
    };
  }
}
