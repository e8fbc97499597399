// The job API's messages, compatible with Python Gator's websocket protocol (gator/common/
// ws_wrapper.py, ws_router.py, ws_server.py, wrapper.py as its code implements them): one JSON
// object per text frame, `{action, posted, req_id?, payload}`; replies `{action, rsp_id,
// result: "success", payload}` or `{result: "error", rsp_id, reason}`; no reply to a posted
// request; a frame without an action is an identify request; an unknown action is an error.
// The plain HTTP routes carry the same payloads. Pure: parsing, checking and building replies.
import { Severity, type SeverityLevel, type SeverityName } from '../../../vocabulary/codes.js';

/** What a job asked for, checked and normalised. */
export type ApiCall =
  | { readonly kind: 'log'; readonly severity: SeverityLevel; readonly message: string; readonly ts: number | null }
  | { readonly kind: 'metric'; readonly name: string; readonly value: number };

/** A request as it reaches the job: calls to apply, and whether and how to answer. */
export interface ApiRequest {
  readonly action: 'log' | 'metric';
  readonly calls: readonly ApiCall[];
  /** The id to answer with (`rsp_id`), or null for a posted request (never answered). */
  readonly reqId: number | null;
}

/** A frame's meaning: a request for the job, something answered at once, or nothing to do. */
export type Parsed =
  | { readonly kind: 'request'; readonly request: ApiRequest }
  | { readonly kind: 'reply'; readonly frame: Reply | null; readonly problem: string | null }
  | { readonly kind: 'ignore' };

export type Reply =
  | { readonly action: string; readonly rsp_id: number; readonly result: 'success'; readonly payload: unknown }
  | { readonly result: 'error'; readonly rsp_id: number | null; readonly reason: string };

/** What Gator's router answers to a frame without an action. */
export const IDENTITY = Object.freeze({ tool: 'gator', version: '1.0' });

/** Names Gator keeps for its own summary metrics. */
const RESERVED_PREFIXES = ['msg_', 'sub_'];
export const MAX_METRIC_NAME = 200;
/** A job cannot create more metric names than this (a runaway loop would otherwise grow the run). */
export const MAX_METRICS_PER_JOB = 1000;
/** Longest message text kept from the API: the same cap as an output line. */
export const MAX_MESSAGE_CHARS = 8 * 1024 * 1024;

export class ApiError extends Error {
  override readonly name = 'ApiError';
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

const SEVERITY_BY_NAME: Readonly<Record<string, SeverityLevel>> = Severity;

/** Gator's rule: a name, any case and spacing; an unknown name is INFO; anything else is an error. */
export const severityOf = (value: unknown): SeverityLevel => {
  if (value === undefined || value === null) return Severity.INFO;
  if (typeof value !== 'string') throw new ApiError(`severity must be a name such as "WARNING", not ${JSON.stringify(value)}`);
  return SEVERITY_BY_NAME[value.trim().toUpperCase() as SeverityName] ?? Severity.INFO;
};

const NUMBER_TEXT = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

/** A finite number, given as a JSON number or as its text. */
export const finiteNumber = (value: unknown, what: string): number => {
  const n = typeof value === 'number' ? value : typeof value === 'string' && NUMBER_TEXT.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) throw new ApiError(`${what} must be a finite number, not ${JSON.stringify(value) ?? String(value)}`);
  return n;
};

const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why `name` cannot be a metric name, or undefined. */
export const metricNameProblem = (name: string): string | undefined => {
  if (name.trim() === '') return 'metric name must not be empty';
  if (name.length > MAX_METRIC_NAME) return `metric name is longer than ${MAX_METRIC_NAME} characters`;
  if (CONTROL.test(name)) return 'metric name must not contain control characters';
  const lower = name.toLowerCase();
  const reserved = RESERVED_PREFIXES.find((prefix) => lower.startsWith(prefix));
  if (reserved !== undefined) return `metric name ${JSON.stringify(name)} is reserved (names starting ${RESERVED_PREFIXES.join(' or ')} are Gator's own)`;
  return undefined;
};

export const logCall = (payload: unknown): ApiCall => {
  if (!isObject(payload)) throw new ApiError('a log request needs a payload object {severity, message, timestamp?}');
  const severity = severityOf(payload['severity']);
  const raw = payload['message'] ?? 'N/A';
  if (typeof raw !== 'string') throw new ApiError(`message must be a string, not ${JSON.stringify(raw)}`);
  const message = raw.trim();
  if (message.length > MAX_MESSAGE_CHARS) throw new ApiError(`message is longer than ${MAX_MESSAGE_CHARS} characters`);
  const stamp = payload['timestamp'];
  const ts = stamp === undefined || stamp === null ? null : finiteNumber(stamp, 'timestamp');
  return { kind: 'log', severity, message, ts };
};

export const metricCall = (payload: unknown): ApiCall => {
  if (!isObject(payload)) throw new ApiError('a metric request needs a payload object {name, value}');
  const name = payload['name'];
  if (typeof name !== 'string') throw new ApiError(`metric name must be a string, not ${JSON.stringify(name) ?? 'missing'}`);
  const problem = metricNameProblem(name);
  if (problem !== undefined) throw new ApiError(problem);
  if (!('value' in payload)) throw new ApiError(`metric ${JSON.stringify(name)} has no value`);
  return { kind: 'metric', name, value: finiteNumber(payload['value'], `the value of metric ${JSON.stringify(name)}`) };
};

const ACTIONS: Readonly<Record<string, (payload: unknown) => ApiCall>> = { log: logCall, metric: metricCall };

export const success = (action: string, rspId: number, payload: unknown): Reply => ({ action, rsp_id: rspId, result: 'success', payload });
export const failure = (rspId: number | null, reason: string): Reply => ({ result: 'error', rsp_id: rspId, reason });

/** What a request's success reply carries: Gator's `metric` answers {result: "success"}, `log` {}. */
export const successPayload = (action: ApiRequest['action']): unknown => (action === 'metric' ? { result: 'success' } : {});

/** A websocket text frame (or the body of `POST /`) read as one Gator request. */
export function parseFrame(text: string): Parsed {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch (error) {
    const problem = `malformed frame: not JSON (${error instanceof Error ? error.message : String(error)})`;
    return { kind: 'reply', frame: failure(null, problem), problem };
  }
  if (!isObject(frame)) {
    const problem = 'malformed frame: a request is a JSON object {action, posted, req_id, payload}';
    return { kind: 'reply', frame: failure(null, problem), problem };
  }
  // A reply to something (the link is two-way in Gator): nothing was asked of us.
  if ('result' in frame && 'rsp_id' in frame) return { kind: 'ignore' };
  const posted = frame['posted'] === true;
  const rawId = frame['req_id'];
  // Gator's router defaults a missing req_id to 0.
  const reqId = typeof rawId === 'number' && Number.isSafeInteger(rawId) ? rawId : 0;
  const action = frame['action'];
  if (action === undefined || action === null || action === 'identify') {
    return { kind: 'reply', frame: posted ? null : success('identify', reqId, IDENTITY), problem: null };
  }
  if (typeof action !== 'string') {
    const problem = `malformed frame: action must be a string, not ${JSON.stringify(action)}`;
    return { kind: 'reply', frame: posted ? null : failure(reqId, problem), problem };
  }
  const call = ACTIONS[action];
  if (call === undefined) {
    const problem = `Unknown action '${action}'`;
    return { kind: 'reply', frame: posted ? null : failure(reqId, problem), problem };
  }
  try {
    return { kind: 'request', request: { action: action as ApiRequest['action'], calls: [call(frame['payload'] ?? {})], reqId: posted ? null : reqId } };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { kind: 'reply', frame: posted ? null : failure(reqId, error.message), problem: `${action}: ${error.message}` };
  }
}

/** The body of `POST /log` or `POST /metric`: one payload object or a list of them. */
export function parseRouteBody(action: ApiRequest['action'], text: string): ApiRequest {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new ApiError(`the body must be JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const items = Array.isArray(body) ? body : [body];
  if (items.length === 0) throw new ApiError('the body is an empty list');
  const call = ACTIONS[action] as (payload: unknown) => ApiCall;
  return {
    action,
    calls: items.map((item, i) => {
      try {
        return call(item);
      } catch (error) {
        if (error instanceof ApiError && items.length > 1) throw new ApiError(`entry ${i}: ${error.message}`);
        throw error;
      }
    }),
    reqId: 0,
  };
}
