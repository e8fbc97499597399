// How a run is asked to stop. A terminal's Ctrl+C (SIGINT, to the whole foreground process
// group), `timeout` and a CI cancel (SIGTERM, often to the group) and a closed terminal
// (SIGHUP) all start the same graceful stop: running jobs get SIGTERM, then SIGKILL after the
// grace period, and are recorded as interrupted. Only a second Ctrl+C kills at once.
import { closeSync, fstatSync } from 'node:fs';

/** `timeout -s INT` sends its signal to the runner and then to its group: one request, two deliveries. */
const SAME_PRESS_MS = 300;

/** Writes to a terminal that hung up fail with EIO, to a reader that left with EPIPE. */
const GONE = new Set(['EIO', 'EPIPE', 'ENXIO', 'ERR_STREAM_DESTROYED']);

type SignalSource = Pick<NodeJS.Process, 'on' | 'off'> & { readonly stdout: NodeJS.WritableStream; readonly stderr: NodeJS.WritableStream };

/**
 * Calls `stop(false)` on the first SIGINT, SIGTERM or SIGHUP, and `stop(true)` on a later
 * SIGINT. While it is installed, a terminal or pipe that goes away does not end the runner: the
 * run goes on, records everything and stops its jobs as asked.
 */
export const handleSignals = (stop: (force: boolean) => void, source: SignalSource = process): { dispose(): void } => {
  let stopping = false;
  let lastInterrupt = 0;
  const onInterrupt = (): void => {
    const now = Date.now();
    if (stopping && now - lastInterrupt < SAME_PRESS_MS) return;
    lastInterrupt = now;
    const force = stopping;
    stopping = true;
    stop(force);
  };
  // SIGTERM asks for a graceful stop however often it comes (whoever sends it sends SIGKILL
  // to force); SIGHUP may be delivered by the kernel and again by the shell.
  const onTerminate = (): void => {
    if (stopping) return;
    stopping = true;
    stop(false);
  };
  const onHangUp = (): void => {
    process.once('exit', forgetDeadTerminal);
    onTerminate();
  };
  source.on('SIGINT', onInterrupt);
  source.on('SIGTERM', onTerminate);
  source.on('SIGHUP', onHangUp);
  // Kept after dispose: the report that follows the run goes to the same terminal.
  outliveOutput(source.stdout);
  outliveOutput(source.stderr);
  return {
    dispose: () => {
      source.off('SIGINT', onInterrupt);
      source.off('SIGTERM', onTerminate);
      source.off('SIGHUP', onHangUp);
    },
  };
};

const guarded = new WeakSet<NodeJS.WritableStream>();

/** Output that goes away (a closed terminal, `| head`) is dropped instead of ending the process. */
const outliveOutput = (stream: NodeJS.WritableStream): void => {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (!GONE.has(error.code ?? '')) throw error;
  });
};

/**
 * Node restores the terminal's modes as it exits and aborts when the terminal is gone (fixed
 * upstream in nodejs/node#58200, not in Node 20): after a hang-up, close the terminal's
 * descriptors, which Node then skips, so that the run still exits with its own code.
 */
const forgetDeadTerminal = (): void => {
  // A hung-up terminal no longer answers isatty(): look for character devices instead.
  for (const fd of [0, 1, 2]) {
    try {
      if (fstatSync(fd).isCharacterDevice()) closeSync(fd);
    } catch {
      // Already closed.
    }
  }
};
