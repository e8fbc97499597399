// A job thread's job-API service: opens one endpoint per job (JobApiServer) and shares one
// websocket upgrade handler among them. The server module (node:http and the protocol) is
// loaded as the thread boots, without holding up anything; `ws` only when a job first opens a
// websocket.
import type { ApiRequest, Reply } from './protocol.js';
import type { ApiHandler, JobApiServer } from './server.js';

type ServerModule = typeof import('./server.js');

/** What a job sees of its endpoint: usable at once, listening once `ready` has been called. */
export interface ApiEndpoint {
  answer(token: number, reply: Reply | null): void;
  /** Stop (true) or resume reading requests: the thread has too much unstored output. */
  hold(held: boolean): void;
  /** The job has ended: wait up to `ms` for its connections to close, then `done(open)`. */
  drain(ms: number, done: (open: number) => void): void;
  close(): void;
}

export interface EndpointHandler extends ApiHandler {
  ready(port: number): void;
  failed(reason: string): void;
}

export interface ApiEndpoints {
  open(handler: EndpointHandler): ApiEndpoint;
}

/**
 * Started when a job thread loads its actors, while the main thread still reads the spec and
 * creates the database, so that the first job does not wait for it.
 */
const serverModule: Promise<ServerModule> = import('./server.js');
// Awaited by each open; a failure to load is that job's `failed`, not an unhandled rejection.
serverModule.catch(() => undefined);

export const createApiEndpoints = (): ApiEndpoints => {
  const loading = serverModule.then((module) => ({ module, upgrader: module.createUpgrader() }));
  loading.catch(() => undefined);
  return {
    open(handler) {
      let server: JobApiServer | null = null;
      let closed = false;
      let held = false;
      loading.then(
        ({ module, upgrader }) => {
          if (closed) return;
          server = module.JobApiServer.open(
            handler,
            (port) => handler.ready(port),
            (error) => handler.failed(error.message),
            upgrader,
          );
          if (held) server.hold(true);
        },
        (error: unknown) => handler.failed(error instanceof Error ? error.message : String(error)),
      );
      return {
        answer: (token, reply) => server?.answer(token, reply),
        hold: (value) => {
          held = value;
          server?.hold(value);
        },
        drain: (ms, done) => {
          if (server === null) done(0);
          else server.drain(ms, done);
        },
        close: () => {
          closed = true;
          server?.close();
        },
      };
    },
  };
};

export type { ApiRequest };
