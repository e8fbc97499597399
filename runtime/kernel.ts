// The kernel boots the hosts: the main thread is host 0 and each worker thread is one more.
// Every pair of hosts gets its own MessageChannel, so actor traffic never detours via main.
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { MAX_HOSTS } from './address.js';
import type { ActorCatalog } from './actor.js';
import { HostCrashError, toErrorInfo } from './errors.js';
import { Host } from './host.js';
import type { Batch, Frame } from './wire.js';

export interface KernelOptions {
  /** Worker threads to start (hosts 1..workers). */
  readonly workers: number;
  /** The catalog module each worker imports (one for all, or one per host index); main uses `catalog`. */
  readonly catalogUrl: URL | ((host: number) => URL);
  /** May still be loading: the workers boot meanwhile. */
  readonly catalog: ActorCatalog | Promise<ActorCatalog>;
  readonly resourceLimits?: { maxOldGenerationSizeMb?: number };
}

const catalogUrlOf = (options: KernelOptions, host: number): URL => (typeof options.catalogUrl === 'function' ? options.catalogUrl(host) : options.catalogUrl);

export class Kernel {
  readonly main: Host;
  readonly hostCount: number;
  #workers: Worker[] = [];
  #mainPorts: (MessagePort | null)[] = [];
  #shuttingDown = false;
  #alive = new Set<number>();

  private constructor(hostCount: number, catalog: ActorCatalog) {
    this.hostCount = hostCount;
    this.main = new Host(0, hostCount, catalog, () => undefined);
  }

  /** Starts the worker threads and resolves once every one is ready to receive. */
  static async start(options: KernelOptions): Promise<Kernel> {
    const hostCount = options.workers + 1;
    if (options.workers < 1 || hostCount > MAX_HOSTS) throw new RangeError(`workers must be between 1 and ${MAX_HOSTS - 1}`);
    // ports[a][b]: the port host a uses to talk to host b.
    const ports: (MessagePort | null)[][] = Array.from({ length: hostCount }, () => new Array<MessagePort | null>(hostCount).fill(null));
    for (let a = 0; a < hostCount; a++) {
      for (let b = a + 1; b < hostCount; b++) {
        const { port1, port2 } = new MessageChannel();
        ports[a]![b] = port1;
        ports[b]![a] = port2;
      }
    }
    // Workers first: booting a thread takes longer than anything the main thread does meanwhile,
    // such as loading its own catalog. Ports hold their messages until someone listens.
    const workers: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let index = 1; index < hostCount; index++) {
      const workerPorts = ports[index]!;
      const worker = new Worker(new URL('./host-worker.js', import.meta.url), {
        workerData: { hostIndex: index, hostCount, catalogUrl: catalogUrlOf(options, index).href, ports: workerPorts },
        transferList: workerPorts.filter((port): port is MessagePort => port !== null),
        ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }),
      });
      workers.push(worker);
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new HostCrashError(index, { cause: new Error(`thread exited with code ${code} while starting`) })));
        }),
      );
    }
    const kernel = new Kernel(hostCount, await options.catalog);
    kernel.#mainPorts = ports[0]!;
    kernel.#mainPorts.forEach((port, index) => {
      if (port === null) return;
      kernel.main.connect(index, port);
      port.on('message', (batch: Batch) => kernel.main.receive(batch));
      // Ports must not keep the process alive on their own; workers and timers do.
      port.unref();
    });
    workers.forEach((worker, i) => {
      const index = i + 1;
      kernel.#workers.push(worker);
      kernel.#alive.add(index);
      worker.on('error', (error) => kernel.#crashed(index, error));
      worker.on('exit', (code) => {
        if (!kernel.#shuttingDown && kernel.#alive.has(index)) kernel.#crashed(index, new Error(`thread exited with code ${code}`));
        kernel.#alive.delete(index);
      });
    });
    await Promise.all(ready);
    return kernel;
  }

  #crashed(index: number, cause: unknown): void {
    if (!this.#alive.delete(index)) return;
    const error = new HostCrashError(index, { cause });
    const info = { ...toErrorInfo(error), message: `${error.message}: ${cause instanceof Error ? cause.message : String(cause)}` };
    const frame: Frame = { type: 'host-down', host: index, error: info };
    for (const host of this.#alive) this.#mainPorts[host]?.postMessage([frame]);
    this.main.hostDown(index, info);
    this.#crashHandlers.forEach((handler) => handler(error));
  }

  #crashHandlers = new Set<(error: HostCrashError) => void>();

  /** Registers a listener for worker threads that die unexpectedly. */
  onHostCrash(handler: (error: HostCrashError) => void): void {
    this.#crashHandlers.add(handler);
  }

  /** Asks every worker to stop and waits for the threads to end, terminating stragglers after `timeoutMs`. */
  async shutdown(timeoutMs = 5000): Promise<void> {
    this.#shuttingDown = true;
    const exits = this.#workers.map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.threadId === -1) resolve();
          worker.once('exit', () => resolve());
        }),
    );
    for (const host of this.#alive) this.#mainPorts[host]?.postMessage([{ type: 'shutdown' } satisfies Frame]);
    const timer = setTimeout(() => this.#workers.forEach((worker) => void worker.terminate()), timeoutMs);
    await Promise.all(exits);
    clearTimeout(timer);
    for (const port of this.#mainPorts) port?.close();
  }
}
