// One outbox per job host gathers everything that host's actors produce (lines, state changes,
// samples, console events) and ships it as one batch per turn to the storage actor and the
// console. It is also where backpressure lives: rows sent but not yet stored are credit; when
// they pile up, the host's jobs stop reading their pipes until storage catches up. The outbox
// actor also creates the host's services (job-host-services.ts) and shares them with the host.
import { defineActor, type ActorContext, type Address } from '../runtime/index.js';
import { unreachable } from '../vocabulary/unreachable.js';
import { emptyMessageColumns, type MessageColumns, type MetricRow, type NodeChange, type SampleRow } from '../storage/batch.js';
import type { SeverityLevel, StreamCode } from '../vocabulary/codes.js';
import { createJobHostServices, JOB_HOST_SERVICES } from './job-host-services.js';
import type { ConsoleEvent, OutboxMessage, ProcessGroupChanges, RunMessage, StorageMessage } from './protocol.js';

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
  /** Seconds between resource samples of the host's jobs. */
  readonly sampleInterval: number;
  /** Send the runner's own detail (`-v`) to the console. */
  readonly debug: boolean;
}

type FlowListener = (paused: boolean) => void;

export class Outbox {
  #context: ActorContext<OutboxMessage>;
  #init: OutboxInit;
  #messages: MessageColumns = emptyMessageColumns();
  #changes: NodeChange[] = [];
  #samples: SampleRow[] = [];
  #metrics: MetricRow[] = [];
  #events: ConsoleEvent[] = [];
  #groupsStarted: [number, number][] = [];
  #groupsEnded: number[] = [];
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

  /** One line of a job (or a runner note about a node); `attempt` is the job's attempt when it was retried. */
  message(jobId: number, ts: number, severity: SeverityLevel, stream: StreamCode, text: string, raw: Uint8Array | null, attempt = 1): void {
    const columns = this.#messages;
    columns.attempt.push(attempt === 1 ? null : attempt);
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
    // The run's last-resort sweep learns process groups from the state changes themselves.
    if ((change.type === 'started' || change.type === 'attempt-started') && change.pid !== null) this.#groupsStarted.push([change.id, change.pid]);
    else if (change.type === 'ended') this.#groupsEnded.push(change.id);
    this.#changes.push(change);
    this.#rows++;
    this.#schedule();
  }

  sample(row: SampleRow): void {
    this.#samples.push(row);
    this.#rows++;
    this.#schedule();
  }

  /** A metric value a job reported or a parser read from its output. */
  metric(row: MetricRow): void {
    this.#metrics.push(row);
    this.#rows++;
    this.#bytes += row.name.length + 48;
    this.#schedule();
  }

  event(event: ConsoleEvent): void {
    this.#events.push(event);
    this.#schedule();
  }

  /** The runner's own detail (`-v`); dropped unless the run asked for it. */
  debug(text: string): void {
    if (this.#init.debug) this.event({ type: 'debug', text: `host ${this.#context.host}: ${text}` });
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
      default:
        unreachable(message, 'outbox message');
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
        ...(this.#metrics.length > 0 ? { metrics: this.#metrics } : {}),
      };
      if (this.#init.debug) this.debug(`batch of ${this.#rows} rows (${this.#messages.jobId.length} output lines) to storage`);
      this.#context.send(this.#init.storage, { type: 'write', from: this.#context.self, batch, rows: this.#rows });
      this.#unstoredRows += this.#rows;
      this.#unstoredBytes += this.#bytes;
      this.#inflightBytes.push(this.#bytes);
      this.#messages = emptyMessageColumns();
      this.#changes = [];
      this.#samples = [];
      this.#metrics = [];
      this.#rows = 0;
      this.#bytes = 0;
    }
    const processGroups = this.#takeProcessGroups();
    if (this.#events.length > 0 || processGroups !== null) {
      this.#context.send(this.#init.run, { type: 'events', from: this.#context.self, events: this.#events, processGroups });
      this.#unshownEvents += this.#events.length;
      this.#events = [];
    }
    this.#updateFlow();
  }

  #takeProcessGroups(): ProcessGroupChanges | null {
    if (this.#groupsStarted.length === 0 && this.#groupsEnded.length === 0) return null;
    const changes = { started: this.#groupsStarted, ended: this.#groupsEnded };
    this.#groupsStarted = [];
    this.#groupsEnded = [];
    return changes;
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

export const OutboxActorType = defineActor<OutboxInit, OutboxMessage>('outbox', (init, context) => {
  const outbox = new Outbox(context, init);
  const services = createJobHostServices(outbox, { sampleInterval: init.sampleInterval, debug: (text) => outbox.debug(text) });
  context.provide(JOB_HOST_SERVICES, services);
  context.send(init.run, { type: 'outbox-ready', host: context.host });
  return {
    receive: (message) => outbox.receive(message),
    stopped: () => {
      outbox.flush();
      context.provide(JOB_HOST_SERVICES, null);
    },
  };
});
