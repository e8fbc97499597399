// The storage actor is the run database's only writer. It runs alone on its thread, turns
// every batch that arrived in one turn into one transaction, and acknowledges each batch so
// that producers can apply backpressure.
import { defineActor, type ActorContext, type Address } from '../runtime/index.js';
import type { WriteBatch } from '../storage/batch.js';
import { RunWriter } from '../storage/writer.js';
import { unreachable } from '../vocabulary/unreachable.js';
import type { OutboxMessage, StorageMessage } from './protocol.js';

/** How often the run row's heartbeat is refreshed, so readers can tell a live run from a dead one. */
const HEARTBEAT_MS = 2000;

export interface StorageInit {
  readonly dbPath: string;
}

interface Pending {
  readonly from: Address<OutboxMessage>;
  readonly batch: WriteBatch;
  readonly rows: number;
}

type Finish = Extract<StorageMessage, { type: 'finish' }>;

class StorageActor {
  #context: ActorContext<StorageMessage>;
  #writer: RunWriter;
  #pending: Pending[] = [];
  #commitScheduled = false;
  #drained = new Set<number>();
  #finish: Finish | null = null;
  #heartbeat: NodeJS.Timeout;

  constructor(context: ActorContext<StorageMessage>, init: StorageInit) {
    this.#context = context;
    this.#writer = RunWriter.open(init.dbPath);
    this.#heartbeat = setInterval(() => this.#writer.heartbeat(Date.now() / 1000), HEARTBEAT_MS);
  }

  receive(message: StorageMessage): void {
    switch (message.type) {
      case 'write':
        this.#pending.push(message);
        if (!this.#commitScheduled) {
          this.#commitScheduled = true;
          // Everything that arrives before the next turn shares one transaction.
          setImmediate(() => this.#commit());
        }
        return;
      case 'drained':
        this.#drained.add(message.host);
        this.#maybeFinish();
        return;
      case 'finish':
        this.#finish = message;
        this.#maybeFinish();
        return;
      default:
        unreachable(message, 'storage message');
    }
  }

  #commit(): void {
    this.#commitScheduled = false;
    const pending = this.#pending;
    if (pending.length === 0) return;
    this.#pending = [];
    for (const item of pending) this.#writer.write(item.batch);
    for (const item of pending) this.#context.send(item.from, { type: 'stored', rows: item.rows });
  }

  #maybeFinish(): void {
    const finish = this.#finish;
    if (finish === null || !finish.hosts.every((host) => this.#drained.has(host))) return;
    let error: string | null = null;
    try {
      this.#commit();
      this.#writer.finish(finish.end);
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
    this.#close();
    this.#context.send(finish.replyTo, { type: 'storage-finished', error });
    this.#context.stop();
  }

  #close(): void {
    clearInterval(this.#heartbeat);
    this.#writer.close();
  }

  stopped(): void {
    clearInterval(this.#heartbeat);
    try {
      this.#commit();
    } finally {
      this.#writer.close();
    }
  }
}

export const StorageActorType = defineActor<StorageInit, StorageMessage>('storage', (init, context) => new StorageActor(context, init));
