// Two hosts in one thread, connected by loopback outlets instead of MessagePorts: spawning on
// another host, batched routing, supervision of a crashing child, host-local values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineActor, defineCatalog, Host, hostLocal, hostOf, MissingHostLocalError, type Address, type ChildExit } from '../../runtime/index.js';

type EchoMessage = { readonly type: 'ping'; readonly replyTo: Address<string>; readonly text: string } | { readonly type: 'crash' };
const Echo = defineActor<{ readonly prefix: string }, EchoMessage>('echo', (init, context) => ({
  receive: (message) => {
    if (message.type === 'crash') throw new Error('echo crashed');
    context.send(message.replyTo, `${init.prefix}${message.text} from host ${context.host}`);
  },
}));

const GREETING = hostLocal<string>('greeting');
const Provider = defineActor<null, never>('provider', (_init, context) => {
  context.provide(GREETING, `hello from host ${context.host}`);
  return { receive: () => undefined };
});

// Actors the tests drive; what they see goes to these arrays.
const replies: string[] = [];
const Inbox = defineActor<null, string>('inbox', () => ({ receive: (text) => void replies.push(text) }));
const exits: ChildExit[] = [];
const Parent = defineActor<null, ChildExit | 'go'>('parent', (_init, context) => ({
  receive: (message) => {
    if (message !== 'go') {
      exits.push(message);
      return;
    }
    const child = context.spawn(Echo, { prefix: '' }, { host: 1 });
    context.send(child, { type: 'crash' });
    context.send(child, { type: 'crash' });
  },
}));
const seen: string[] = [];
const Reader = defineActor<null, 'read'>('reader', (_init, context) => ({
  receive: () => {
    try {
      seen.push(context.local(GREETING));
    } catch (error) {
      seen.push(error instanceof MissingHostLocalError ? `missing on host ${error.host}` : 'other error');
    }
  },
}));

const catalog = defineCatalog(Echo, Provider, Inbox, Parent, Reader);
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Hosts 0 and 1, each posting its batches straight into the other; counts the batches posted. */
const pair = () => {
  const hosts = [new Host(0, 2, catalog, () => undefined), new Host(1, 2, catalog, () => undefined)] as const;
  const batches = [0, 0];
  hosts[0].connect(1, { postMessage: (batch: never) => (batches[0]!++, hosts[1].receive(batch)) });
  hosts[1].connect(0, { postMessage: (batch: never) => (batches[1]!++, hosts[0].receive(batch)) });
  return { hosts, batches };
};

describe('Host', () => {
  it('spawns an actor on another host and routes messages there and back, many per batch', async () => {
    const { hosts, batches } = pair();
    const inbox = hosts[0].spawn(Inbox, null);
    const echo = hosts[0].spawn(Echo, { prefix: '> ' }, { host: 1 });
    assert.equal(hostOf(echo), 1);
    for (let i = 0; i < 100; i++) hosts[0].send(echo, { type: 'ping', replyTo: inbox, text: String(i) });
    await settle();
    assert.equal(replies.length, 100);
    assert.equal(replies[0], '> 0 from host 1');
    assert.ok(batches[0]! <= 2 && batches[1]! <= 2, `100 messages crossed in ${batches.join(' and ')} batches`);
  });

  it("tells the parent when a child on another host throws, and drops the dead child's mail", async () => {
    const { hosts } = pair();
    const parent = hosts[0].spawn(Parent, null);
    hosts[0].send(parent, 'go');
    await settle();
    await settle();
    assert.equal(exits.length, 1);
    assert.equal(exits[0]?.error?.message, 'echo crashed');
  });

  it('shares a host-local value with the actors of its own host only', async () => {
    const { hosts } = pair();
    hosts[0].spawn(Provider, null);
    const local = hosts[0].spawn(Reader, null);
    hosts[0].send(local, 'read');
    await settle();
    assert.deepEqual(seen, ['hello from host 0']);
    const onOne = new Host(1, 2, catalog, () => undefined);
    const remote = onOne.spawn(Reader, null);
    onOne.send(remote, 'read');
    await settle();
    assert.deepEqual(seen, ['hello from host 0', 'missing on host 1']);
  });
});
