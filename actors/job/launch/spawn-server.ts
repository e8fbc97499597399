// The client of one spawn server process (native/spawn-server.c). The thread keeps three
// handles in all (the server's stdin, stdout and process) however many jobs run, and reads
// every job's output from one pipe in large batches.
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { getSystemErrorName } from 'node:util';
import { nulIn, refuseLaunch, type Launched, type Launcher, type LaunchListener, type LaunchSpec } from './launcher.js';
import { NodeLauncher } from './node-launcher.js';
import { encodeCut, encodeFlow, encodeSpawn, FrameReader, type ServerFrame } from './spawn-server-frames.js';

const SIGNAL_NAMES = new Map<number, NodeJS.Signals>(Object.entries(constants.signals).map(([name, number]) => [number, name as NodeJS.Signals]));

export class SpawnServer implements Launcher {
  #process: ChildProcess;
  #stdin: Writable;
  #stdout: Readable;
  #reader = new FrameReader();
  #listeners = new Map<number, LaunchListener>();
  #nextId = 1;
  #corked = false;
  #referenced = true;
  /** Set once the server is gone: later jobs start through Node instead. */
  #fallback: Launcher | null = null;

  /** Starts a server; null when the binary cannot run here. */
  static start(binary: string): SpawnServer | null {
    // A session of its own: the signals a terminal, `timeout` or a CI cancel send to the
    // runner's process group must not kill the server, and with it every job's output.
    const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'inherit'], detached: true });
    if (child.pid === undefined) {
      child.on('error', () => {});
      return null;
    }
    return new SpawnServer(child);
  }

  private constructor(child: ChildProcess) {
    this.#process = child;
    this.#stdin = child.stdin!;
    this.#stdout = child.stdout!;
    this.#stdout.on('data', (data: Buffer) => this.#reader.push(data, (frame) => this.#dispatch(frame)));
    // A server that dies takes its jobs' pipes with it; say so for each job it held.
    // 'close' comes after the last byte of its stdout, so every job that ended has been told.
    child.on('close', (code, signal) => this.#loseAll(`the spawn server ended (${signal ?? `exit code ${code}`})`));
    child.on('error', (error) => this.#loseAll(`the spawn server failed: ${error.message}`));
    this.#stdin.on('error', () => {});
    this.#setReferenced(false);
    // Wait for the server before the thread ends, so it is reaped and its CPU time (and its
    // jobs') counts as the runner's.
    process.once('beforeExit', () => {
      // Should the thread find more work after all, it starts its jobs through Node.
      this.#fallback ??= new NodeLauncher();
      this.#setReferenced(true);
      this.#stdin.end();
    });
  }

  launch(spec: LaunchSpec, listener: LaunchListener): Launched {
    if (this.#fallback !== null) return this.#fallback.launch(spec, listener);
    // Its request is NUL-separated: a NUL inside a string would shift every string after it.
    const nul = nulIn(spec);
    if (nul !== null) return refuseLaunch(listener, nul);
    const id = this.#nextId++;
    this.#listeners.set(id, listener);
    this.#setReferenced(true);
    this.#write(encodeSpawn(id, spec.cwd, [spec.command, ...spec.args], spec.env));
    return {
      pause: () => this.#write(encodeFlow(id, true)),
      resume: () => this.#write(encodeFlow(id, false)),
      cut: () => this.#write(encodeCut(id)),
    };
  }

  #write(frame: Buffer): void {
    // Requests made in one turn of the event loop leave in one write.
    if (!this.#corked) {
      this.#corked = true;
      this.#stdin.cork();
      process.nextTick(() => {
        this.#corked = false;
        this.#stdin.uncork();
      });
    }
    this.#stdin.write(frame);
  }

  #dispatch(frame: ServerFrame): void {
    const listener = this.#listeners.get(frame.id);
    if (listener === undefined) return;
    switch (frame.type) {
      case 'output':
        listener.output(frame.stream, frame.chunk);
        return;
      case 'started':
        listener.started(frame.pid);
        return;
      case 'failed': {
        this.#forget(frame.id);
        const code = getSystemErrorName(-frame.errno);
        listener.failed(code, `${frame.stage} failed: ${code}`, frame.stage === 'resource');
        return;
      }
      case 'ended':
        this.#forget(frame.id);
        listener.ended(frame.exitCode, frame.signal === 0 ? null : (SIGNAL_NAMES.get(frame.signal) ?? null), frame.cut);
        return;
    }
  }

  #forget(id: number): void {
    this.#listeners.delete(id);
    if (this.#listeners.size === 0) this.#setReferenced(false);
  }

  #loseAll(reason: string): void {
    this.#fallback ??= new NodeLauncher();
    const listeners = [...this.#listeners.values()];
    this.#listeners.clear();
    for (const listener of listeners) listener.lost(reason);
  }

  /** An idle server must not keep the thread alive; the thread's end closes its stdin. */
  #setReferenced(referenced: boolean): void {
    if (referenced === this.#referenced) return;
    this.#referenced = referenced;
    const handles = [this.#process, this.#stdin, this.#stdout] as unknown as { ref(): void; unref(): void }[];
    for (const handle of handles) {
      if (referenced) handle.ref();
      else handle.unref();
    }
  }
}
