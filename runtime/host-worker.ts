// Entry point of every worker thread: build a host, connect it to its peers, run actors.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { ActorCatalog } from './actor.js';
import { Host } from './host.js';
import type { Batch, HostBootData } from './wire.js';

interface WorkerBoot extends HostBootData {
  /** Ports to every other host, indexed by host; this host's own slot is null. */
  readonly ports: readonly (MessagePort | null)[];
}

const boot = workerData as WorkerBoot;
const catalog = ((await import(boot.catalogUrl)) as { default: ActorCatalog }).default;

const host = new Host(boot.hostIndex, boot.hostCount, catalog, () => {
  // Closing every port empties the event loop, so the thread ends once its actors' I/O does.
  for (const port of boot.ports) port?.close();
  parentPort?.close();
});

boot.ports.forEach((port, index) => {
  if (port === null) return;
  host.connect(index, port);
  port.on('message', (batch: Batch) => host.receive(batch));
});

parentPort?.postMessage({ type: 'ready' });
