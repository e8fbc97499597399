// Talking to the hub's server: JSON reads, and the one live stream a tab keeps open.
import type { StreamEvents } from '../protocol.js';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const answer = async <T>(response: Response): Promise<T> => {
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      message = ((await response.json()) as { error?: string }).error ?? message;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(message, response.status);
  }
  return (await response.json()) as T;
};

export const getJson = async <T>(path: string, params: Record<string, string | number | undefined> = {}): Promise<T> => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const query = search.toString();
  return answer<T>(await fetch(`${path}${query === '' ? '' : `?${query}`}`, { headers: { Accept: 'application/json' } }));
};

export const postJson = async <T>(path: string, body: unknown): Promise<T> =>
  answer<T>(await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }));

export const runPath = (run: string): string => `/api/runs/${encodeURIComponent(run)}`;

type Handlers = { [E in keyof StreamEvents]?: (data: StreamEvents[E]) => void };

let current: EventSource | null = null;

/**
 * Opens the tab's live stream for what it shows now, closing the one before: one stream per
 * tab. The browser reconnects by itself and sends the last event id, so the server resumes.
 */
export const openStream = (params: Record<string, string | number | undefined>, handlers: Handlers): (() => void) => {
  current?.close();
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const source = new EventSource(`/api/events?${search.toString()}`);
  current = source;
  for (const [event, handler] of Object.entries(handlers)) {
    source.addEventListener(event, (message) => (handler as (data: unknown) => void)(JSON.parse((message as MessageEvent<string>).data)));
  }
  return () => {
    source.close();
    if (current === source) current = null;
  };
};
