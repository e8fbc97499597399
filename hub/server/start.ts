// Starting and stopping the hub: the catalog of runs under DIR, the read pool, the live loop
// and the HTTP server, bound to loopback unless asked otherwise (then with an access token).
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Assets } from './assets.js';
import { isLoopback, newToken } from './access.js';
import { Catalog } from './catalog.js';
import { JobLogs } from './job-logs.js';
import { Live } from './live.js';
import { createReadPool, readThreadsFromEnv } from './read-pool.js';
import { hubApp } from './routes.js';
import { Views } from './views.js';

export interface HubOptions {
  /** A tracking root, one run's directory, or a run.sqlite. */
  readonly dir: string;
  readonly host: string;
  /** 0: a free port. */
  readonly port: number;
  /** Wait for a DIR that does not exist yet (the default ./tracking before the first run). */
  readonly waitForDir?: boolean;
}

export interface RunningHub {
  /** The URL to open (with the token when there is one). */
  readonly url: string;
  readonly token: string | null;
  readonly port: number;
  /** Whether DIR exists yet (when waiting for it). */
  readonly dirExists: boolean;
  close(): Promise<void>;
}

/** `http://host:port/`, with IPv6 addresses in brackets and the any-address shown as this machine's loopback. */
const urlHost = (host: string): string => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host);

export async function startHub(options: HubOptions): Promise<RunningHub> {
  const catalog = new Catalog(options.dir, { waitForDir: options.waitForDir ?? false });
  catalog.scan();
  const assets = new Assets();
  const pool = createReadPool(readThreadsFromEnv());
  const logs = new JobLogs(pool);
  const views = new Views(catalog, logs, pool);
  const live = new Live(catalog, views, logs);
  const token = isLoopback(options.host) ? null : newToken();
  let port = options.port;
  const app = hubApp({ views, live, assets, access: { host: options.host, token, port: () => port } });
  const server = await new Promise<ServerType>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, () => resolve(started));
    started.once('error', reject);
  });
  port = (server.address() as AddressInfo).port;
  live.start();
  const url = `http://${urlHost(options.host)}:${port}/${token === null ? '' : `?token=${token}`}`;
  return {
    url,
    token,
    port,
    dirExists: catalog.exists,
    async close() {
      live.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open event streams would keep the server from closing.
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      catalog.close();
      await pool.close();
    },
  };
}
