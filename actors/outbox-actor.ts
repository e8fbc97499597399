// One outbox per job host gathers everything that host's actors produce (lines, state changes,
// samples, console events) and ships it as one batch per turn to the storage actor and the
// console. It is also where backpressure lives: rows sent but not yet stored are credit; when
// they pile up, the host's jobs stop reading their pipes until storage catches up.
import { defineActor, type ActorContext, type Address } from '../runtime/index.js';
import { emptyMessageColumns, type MessageColumns, type NodeChange, type SampleRow } from '../storage/batch.js';
import type { SeverityLevel, StreamCode } from '../storage/schema.js';
import type { ConsoleEvent, OutboxMessage, RunMessage, StorageMessage } from './protocol.js';

/** Stop reading pipes above this many unstored rows or bytes; resume below a quarter of it. */
const HIGH_ROWS = 200_000;
const HIGH_BYTES = 64 * 1024 * 1024;
const HIGH_EVENTS = 20_000;
/** Ship early when a batch grows this big, so one turn of a flood does not make a huge clone. */
const BATCH_ROWS = 16_384;
/**
 * A small batch waits this long for company: a run of short jobs otherwise ships (and has
 * acknowledged) a batch per job ending, which costs more than the jobs' own bookkeeping.
 */
const BATCH_DELAY_MS = 20;

export interface OutboxInit {
  readonly run: Address<RunMessage>;
  readonly storage: Address<StorageMessage>;
}

type FlowListener = (paused: boolean) => void;

export class Outbox {
  #context: ActorContext<OutboxMessage>;
  #init: OutboxInit;
  #messages: MessageColumns = emptyMessageColumns();
  #changes: NodeChange[] = [];
  #samples: SampleRow[] = [];
  #events: ConsoleEvent[] = [];
  #rows = 0;
  #bytes = 0;
  #unstoredRows = 0;
  #unstoredBytes = 0;
  #unshownEvents = 0;
  /** Bytes of each batch in flight, in send order, so acks can release them. */
  #inflightBytes: number[] = [];
  #paused = false;
  #listeners = new Set<FlowListener>();
  #flushTimer: NodeJS.Timeout | null = null;

  constructor(context: ActorContext<OutboxMessage>, init: OutboxInit) {
    this.#context = context;
    this.#init = init;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Registers for pause/resume; returns the unsubscribe function. */
  onFlow(listener: FlowListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  message(jobId: number, ts: number, severity: SeverityLevel, stream: StreamCode, text: string, raw: Uint8Array | null): void {
    const columns = this.#messages;
    columns.jobId.push(jobId);
    columns.ts.push(ts);
    columns.severity.push(severity);
    columns.stream.push(stream);
    columns.text.push(text);
    columns.raw.push(raw);
    this.#rows++;
    this.#bytes += text.length + 32;
    this.#schedule();
  }

  change(change: NodeChange): void {
    this.#changes.push(change);
    this.#rows++;
    this.#schedule();
  }

  sample(row: SampleRow): void {
    this.#samples.push(row);
    this.#rows++;
    this.#schedule();
  }

  event(event: ConsoleEvent): void {
    this.#events.push(event);
    this.#schedule();
  }

  receive(message: OutboxMessage): void {
    switch (message.type) {
      case 'stored':
        this.#unstoredRows -= message.rows;
        this.#unstoredBytes -= this.#inflightBytes.shift() ?? 0;
        this.#updateFlow();
        return;
      case 'shown':
        this.#unshownEvents -= message.events;
        this.#updateFlow();
        return;
      case 'drain':
        this.flush();
        this.#context.send(this.#init.storage, { type: 'drained', host: this.#context.host });
        this.#context.send(this.#init.run, { type: 'drained', host: this.#context.host });
        return;
    }
  }

  #schedule(): void {
    if (this.#rows >= BATCH_ROWS) {
      this.flush();
      return;
    }
    this.#flushTimer ??= setTimeout(() => this.flush(), BATCH_DELAY_MS);
  }

  /** Ships whatever is buffered now. */
  flush(): void {
    if (this.#flushTimer !== null) {
      clearTimeout(this.#flushTimer);
      this.#flushTimer = null;
    }
    if (this.#rows > 0) {
      const batch = {
        ...(this.#messages.jobId.length > 0 ? { messages: this.#messages } : {}),
        ...(this.#changes.length > 0 ? { changes: this.#changes } : {}),
        ...(this.#samples.length > 0 ? { samples: this.#samples } : {}),
      };
      this.#context.send(this.#init.storage, { type: 'write', from: this.#context.self, batch, rows: this.#rows });
      this.#unstoredRows += this.#rows;
      this.#unstoredBytes += this.#bytes;
      this.#inflightBytes.push(this.#bytes);
      this.#messages = emptyMessageColumns();
      this.#changes = [];
      this.#samples = [];
      this.#rows = 0;
      this.#bytes = 0;
    }
    if (this.#events.length > 0) {
      this.#context.send(this.#init.run, { type: 'events', from: this.#context.self, events: this.#events });
      this.#unshownEvents += this.#events.length;
      this.#events = [];
    }
    this.#updateFlow();
  }

  #updateFlow(): void {
    const over = this.#unstoredRows > HIGH_ROWS || this.#unstoredBytes > HIGH_BYTES || this.#unshownEvents > HIGH_EVENTS;
    const under = this.#unstoredRows <= HIGH_ROWS / 4 && this.#unstoredBytes <= HIGH_BYTES / 4 && this.#unshownEvents <= HIGH_EVENTS / 4;
    if (!this.#paused && over) this.#setPaused(true);
    else if (this.#paused && under) this.#setPaused(false);
  }

  #setPaused(paused: boolean): void {
    this.#paused = paused;
    for (const listener of this.#listeners) listener(paused);
  }
}

/** The outbox of the current thread; job and group actors write through it directly. */
let local: Outbox | null = null;

export const localOutbox = (): Outbox => {
  if (local === null) throw new Error('no outbox on this host: the run spawns one per job host before any job');
  return local;
};

export const OutboxActor = defineActor<OutboxInit, OutboxMessage>('outbox', (init, context) => {
  const outbox = new Outbox(context, init);
  local = outbox;
  context.send(init.run, { type: 'outbox-ready', host: context.host });
  return {
    receive: (message) => outbox.receive(message),
    stopped: () => {
      outbox.flush();
      if (local === outbox) local = null;
    },
  };
});
