import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as Runtime from '../../runtime/index.js';

// Worker threads load compiled code, so the kernel under test is the built one.
const { Kernel } = (await import(new URL('../../dist/runtime/index.js', import.meta.url).href)) as typeof Runtime;
const catalogUrl = new URL('../fixtures/runtime/catalog.js', import.meta.url);
const catalog = (await import(catalogUrl.href)) as {
  default: Runtime.ActorCatalog;
  probe: Runtime.ActorType<{ onMessage: (message: unknown) => void }, unknown>;
};

interface Heard {
  type: string;
  child?: string;
  error?: { message: string };
  text?: string;
  host?: number;
}

const boot = async () => {
  const kernel = await Kernel.start({ workers: 2, catalog: catalog.default, catalogUrl });
  const heard: Heard[] = [];
  const waiters: (() => void)[] = [];
  const probe = kernel.main.spawn(catalog.probe, {
    onMessage: (message: unknown) => {
      heard.push(message as Heard);
      waiters.splice(0).forEach((wake) => wake());
    },
  });
  const supervisor = kernel.main.spawn(catalog.default[0] as unknown as Runtime.ActorType<{ probe: unknown }, unknown>, { probe }, { host: 2 });
  const next = async (type: string): Promise<Heard> => {
    for (;;) {
      const found = heard.find((message) => message.type === type);
      if (found !== undefined) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { kernel, supervisor, next };
};

describe('actor kernel', () => {
  it('routes messages between actors on different threads', async () => {
    const { kernel, supervisor, next } = await boot();
    kernel.main.send(supervisor, { type: 'poke', what: 'echo', text: 'hello' });
    const echo = await next('echo');
    assert.equal(echo.text, 'hello');
    assert.equal(echo.host, 1);
    await kernel.shutdown();
  });

  it('reports an actor that throws to its parent with the error, and keeps running', async () => {
    const { kernel, supervisor, next } = await boot();
    kernel.main.send(supervisor, { type: 'poke', what: 'throw' });
    const exit = await next('runtime.child-exit');
    assert.equal(exit.child, 'worker');
    assert.match(exit.error!.message, /boom from the worker actor/);
    await kernel.shutdown();
  });

  it('reports the actors of a thread that crashed to their parents', async () => {
    const { kernel, supervisor, next } = await boot();
    const crashes: Error[] = [];
    kernel.onHostCrash((error) => crashes.push(error));
    kernel.main.send(supervisor, { type: 'poke', what: 'crash' });
    const exit = await next('runtime.child-exit');
    assert.equal(exit.child, 'worker');
    assert.match(exit.error!.message, /actor host 1 stopped unexpectedly/);
    assert.equal(crashes.length, 1);
    await kernel.shutdown();
  });
});
