// Applying a job's API requests to the job: messages become lines of stream `api`, metrics are
// stored; each request is applied whole or not at all, and its answer built here.
import type { SeverityLevel } from '../../../vocabulary/codes.js';
import { MAX_METRICS_PER_JOB, failure, success, successPayload, type ApiRequest, type Reply } from './protocol.js';

export interface RequestSink {
  /** A message the job reported; `ts` is its own timestamp when it gave one. */
  log(severity: SeverityLevel, text: string, ts: number | null): void;
  metric(name: string, value: number): void;
}

export class JobRequests {
  readonly #names = new Set<string>();
  readonly #sink: RequestSink;

  constructor(sink: RequestSink) {
    this.#sink = sink;
  }

  /** Metric names this job has reported so far. */
  get metricNames(): ReadonlySet<string> {
    return this.#names;
  }

  /**
   * Applies a request. `reply` is its answer (null for a posted one, which gets none);
   * `problem` says why it was refused, for the job's record.
   */
  apply(request: ApiRequest): { readonly reply: Reply | null; readonly problem: string | null } {
    const reply = this.#apply(request);
    return { reply: request.reqId === null ? null : reply, problem: reply.result === 'error' ? `${request.action}: ${reply.reason}` : null };
  }

  #apply(request: ApiRequest): Reply {
    const rspId = request.reqId ?? 0;
    let fresh = 0;
    const seen = new Set<string>();
    for (const call of request.calls) {
      if (call.kind === 'metric' && !this.#names.has(call.name) && !seen.has(call.name)) {
        seen.add(call.name);
        fresh++;
      }
    }
    if (this.#names.size + fresh > MAX_METRICS_PER_JOB) {
      return failure(rspId, `a job can report at most ${MAX_METRICS_PER_JOB} different metric names; this one already has ${this.#names.size}`);
    }
    for (const call of request.calls) {
      if (call.kind === 'log') {
        this.#sink.log(call.severity, call.message, call.ts);
      } else {
        this.#names.add(call.name);
        this.#sink.metric(call.name, call.value);
      }
    }
    return success(request.action, rspId, successPayload(request.action));
  }
}
