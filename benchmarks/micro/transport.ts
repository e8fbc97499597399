// Why the runtime uses its own batched MessageChannel mesh rather than piscina or comlink:
// messages per second between threads for each, measured side by side.
// Usage: npm run build && node --import tsx benchmarks/micro/transport.ts
import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/umd/node-adapter.js';
import { Piscina } from 'piscina';
import type * as Runtime from '../../runtime/index.js';

const { Kernel } = (await import(new URL('../../dist/runtime/index.js', import.meta.url).href)) as typeof Runtime;
const catalogUrl = new URL('./fixtures/counter-catalog.js', import.meta.url);
const catalog = (await import(catalogUrl.href)) as { default: Runtime.ActorCatalog; probe: Runtime.ActorType<{ onDone: () => void }, unknown> };

const rate = (count: number, startNs: bigint): number => count / (Number(process.hrtime.bigint() - startNs) / 1e9);

async function kernelMessages(count: number): Promise<number> {
  const kernel = await Kernel.start({ workers: 1, catalog: catalog.default, catalogUrl });
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const probe = kernel.main.spawn(catalog.probe, { onDone: () => done() });
  const counter = kernel.main.spawn(
    catalog.default[0] as unknown as Runtime.ActorType<{ probe: unknown; expected: number }, { n: number }>,
    { probe, expected: count },
    { host: 1 },
  );
  const start = process.hrtime.bigint();
  // Sent in slices so the host's per-turn batching works as it does in a run.
  for (let sent = 0; sent < count;) {
    const slice = Math.min(10_000, count - sent);
    for (let i = 0; i < slice; i++) kernel.main.send(counter, { n: sent + i });
    sent += slice;
    await new Promise((resolve) => setImmediate(resolve));
  }
  await finished;
  const result = rate(count, start);
  await kernel.shutdown();
  return result;
}

async function comlinkCalls(count: number): Promise<number> {
  const worker = new Worker(new URL('./fixtures/comlink-worker.mjs', import.meta.url));
  const endpoint = ((nodeEndpoint as unknown as { default?: typeof nodeEndpoint }).default ?? nodeEndpoint) as unknown as (w: Worker) => Comlink.Endpoint;
  const api = Comlink.wrap<{ add(a: number, b: number): number }>(endpoint(worker));
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await api.add(i, 1);
  const result = rate(count, start);
  await worker.terminate();
  return result;
}

async function piscinaTasks(count: number): Promise<number> {
  const pool = new Piscina({ filename: new URL('./fixtures/piscina-task.mjs', import.meta.url).href, minThreads: 1, maxThreads: 1 });
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: count }, (_, i) => pool.run({ a: i, b: 1 })));
  const result = rate(count, start);
  await pool.destroy();
  return result;
}

const rows = [
  ['runtime mesh, batched tells', await kernelMessages(1_000_000)],
  ['comlink, sequential calls', await comlinkCalls(20_000)],
  ['piscina, tasks submitted at once', await piscinaTasks(50_000)],
] as const;
console.log('| transport | messages/s |\n|---|---:|');
for (const [name, perSecond] of rows) console.log(`| ${name} | ${Math.round(perSecond).toLocaleString('en')} |`);
