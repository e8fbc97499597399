// The hub's HTTP routes (hono): the pages, the JSON API over the run databases, and the live
// stream. Every route reads; none writes to a run database or serves a file outside DIR and
// the package's own assets. Run names and ids are checked before anything is looked up.
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { StreamEvents } from '../protocol.js';
import { ReaderError } from '../../storage/readers/errors.js';
import { SEVERITY_NAMES, type SeverityName } from '../../vocabulary/codes.js';
import type { LineFilter } from '../../storage/readers/job-lines.js';
import { access, type AccessOptions } from './access.js';
import type { Assets } from './assets.js';
import { isRunName } from './catalog.js';
import { eventId, parseEventId, type EventName, type Live, type Subscriber } from './live.js';
import { ReadTimeoutError } from './read-pool.js';
import { NotFound, type Views } from './views.js';

/** A comment line on every stream this often, so proxies and browsers keep it open. */
const KEEPALIVE_MS = 15_000;
/** The longest SQL the query box takes. */
const MAX_SQL_BYTES = 100_000;

/** A request the hub will not serve: the message is the answer's body. */
class BadRequest extends Error {
  override readonly name = 'BadRequest';
}

const integer = (value: string | undefined, what: string, fallback?: number): number => {
  if (value === undefined || value === '') {
    if (fallback !== undefined) return fallback;
    throw new BadRequest(`${what} is missing`);
  }
  if (!/^\d{1,15}$/.test(value)) throw new BadRequest(`${what} must be a whole number`);
  return Number(value);
};

const runName = (c: Context): string => {
  const name = c.req.param('run') ?? '';
  if (!isRunName(name)) throw new BadRequest("not a run name: a run is named by its directory under the hub's DIR");
  return name;
};

const lineFilter = (c: Context): LineFilter => {
  const severity = c.req.query('severity');
  if (severity !== undefined && severity !== '' && !SEVERITY_NAMES.includes(severity as SeverityName)) {
    throw new BadRequest(`severity must be one of ${SEVERITY_NAMES.join(', ')}`);
  }
  const text = c.req.query('q');
  return { minSeverity: severity === '' ? undefined : (severity as SeverityName | undefined), text: text === '' ? undefined : text };
};

const sqlOf = async (c: Context): Promise<string> => {
  const body = await c.req.text();
  if (Buffer.byteLength(body) > MAX_SQL_BYTES) throw new BadRequest('the statement is too long');
  let sql: unknown;
  try {
    sql = (JSON.parse(body) as { sql?: unknown }).sql;
  } catch {
    throw new BadRequest('send {"sql": "..."} as JSON');
  }
  if (typeof sql !== 'string') throw new BadRequest('send {"sql": "..."} as JSON');
  return sql;
};

export interface HubRoutes {
  readonly views: Views;
  readonly live: Live;
  readonly assets: Assets;
  readonly access: AccessOptions;
}

export function hubApp({ views, live, assets, access: accessOptions }: HubRoutes): Hono {
  const app = new Hono();

  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
    c.header('Content-Security-Policy', assets.csp);
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-cache');
  });
  app.use('*', access(accessOptions));

  app.onError((error, c) => {
    if (error instanceof BadRequest) return c.json({ error: error.message }, 400);
    if (error instanceof NotFound) return c.json({ error: error.message }, 404);
    if (error instanceof ReadTimeoutError) return c.json({ error: error.message }, 503);
    if (error instanceof ReaderError) return c.json({ error: error.message }, 400);
    process.stderr.write(
      `gator hub: internal error on ${c.req.method} ${c.req.path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return c.json({ error: 'internal error in the hub (its terminal shows the details)' }, 500);
  });

  // --- the JSON API -------------------------------------------------------------------------
  app.get('/api/runs', (c) => c.json(views.summaries()));
  app.get('/api/unreadable', (c) => c.json(views.unreadable()));
  app.get('/api/runs/:run', (c) => c.json(views.detail(runName(c))));
  app.get('/api/runs/:run/children', (c) => {
    const parent = c.req.query('parent');
    return c.json(
      views.children(
        runName(c),
        parent === undefined || parent === '' ? null : integer(parent, 'parent'),
        integer(c.req.query('offset'), 'offset', 0),
        integer(c.req.query('limit'), 'limit', 200),
      ),
    );
  });
  app.get('/api/runs/:run/failures', async (c) => c.json(await views.failures(runName(c))));
  app.get('/api/runs/:run/timeline', async (c) => c.json(await views.timeline(runName(c))));
  app.get('/api/runs/:run/resources', async (c) => c.json(await views.resources(runName(c))));
  app.get('/api/runs/:run/metrics', (c) => c.json(views.metrics(runName(c))));
  app.get('/api/runs/:run/schema', (c) => c.json(views.schema(runName(c))));
  app.get('/api/runs/:run/history', async (c) => {
    const show = c.req.query('show') ?? 'all';
    if (show !== 'all' && show !== 'failing' && show !== 'flaky') throw new BadRequest('show must be all, failing or flaky');
    return c.json(await views.history(runName(c), show));
  });
  app.get('/api/runs/:run/jobs/:job', (c) => c.json(views.job(runName(c), integer(c.req.param('job'), 'job'))));
  app.get('/api/runs/:run/jobs/:job/lines', async (c) => {
    const line = c.req.query('line');
    const offset = c.req.query('offset');
    return c.json(
      await views.lines(runName(c), integer(c.req.param('job'), 'job'), lineFilter(c), {
        limit: integer(c.req.query('limit'), 'limit', 200),
        ...(offset === undefined ? {} : { offset: integer(offset, 'offset') }),
        tail: c.req.query('tail') === '1',
        ...(line === undefined ? {} : { line: integer(line, 'line') }),
      }),
    );
  });
  app.get('/api/runs/:run/jobs/:job/samples', (c) => c.json(views.samples(runName(c), integer(c.req.param('job'), 'job'))));
  // Reads with a body (SQL can be long): POST, but nothing is written.
  app.post('/api/runs/:run/query', async (c) => c.json(await views.query(runName(c), await sqlOf(c))));
  app.post('/api/runs/:run/query.csv', async (c) => {
    const name = runName(c);
    const result = await views.csv(name, await sqlOf(c));
    c.header('Content-Disposition', `attachment; filename="${name}-query.csv"`);
    c.header('X-Gator-Rows', String(result.rows));
    if (result.truncated) c.header('X-Gator-Truncated', '1');
    return c.body(result.csv, 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  });

  // --- the live stream: one per tab ------------------------------------------------------------
  app.get('/api/events', (c) => {
    const run = c.req.query('run');
    if (run !== undefined && run !== '' && !isRunName(run)) throw new BadRequest('not a run name');
    const watched = run === undefined || run === '' ? undefined : views.run(run);
    const jobParam = c.req.query('job');
    const job = jobParam === undefined || jobParam === '' ? null : integer(jobParam, 'job');
    if (job !== null && watched === undefined) throw new BadRequest('job needs run');
    const filter = lineFilter(c);
    // A reconnecting tab resumes from the id of the last event it had.
    const resumed = parseEventId(c.req.header('last-event-id'));
    const after = resumed ?? { cursor: integer(c.req.query('after'), 'after', 0), sampleTs: Number(c.req.query('samplesAfter') ?? '-1e300') };
    return streamSSE(c, async (stream) => {
      let open = true;
      const subscriber: Subscriber = {
        run: watched?.name ?? null,
        job,
        filter,
        cursor: after.cursor,
        sampleTs: Number.isFinite(after.sampleTs) ? after.sampleTs : -1e300,
        jobKey: '',
        send<E extends EventName>(event: E, data: StreamEvents[E]) {
          if (!open) return;
          void stream.writeSSE({ event, data: JSON.stringify(data), id: eventId(subscriber) }).catch(() => (open = false));
        },
      };
      const unsubscribe = live.subscribe(subscriber);
      let wake: (() => void) | null = null;
      stream.onAbort(() => {
        open = false;
        wake?.();
      });
      try {
        if (watched !== undefined) {
          subscriber.send('run', views.summary(watched));
          if (job !== null) await live.catchUpSubscriber(watched, subscriber);
          else if (watched.live) subscriber.send('nodes', { run: watched.name, nodes: [], reset: true });
        }
        while (open) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, KEEPALIVE_MS).unref();
          });
          if (open) await stream.write(': keep-alive\n\n');
        }
      } finally {
        unsubscribe();
      }
    });
  });

  // --- the pages and their files ---------------------------------------------------------------
  app.get('/assets/*', (c) => {
    const asset = assets.get(c.req.path);
    if (asset === undefined) return c.text('not found\n', 404);
    return c.body(new Uint8Array(asset.body), 200, { 'Content-Type': asset.type });
  });
  const page = (c: Context): Response => c.body(new Uint8Array(assets.index), 200, { 'Content-Type': 'text/html; charset=utf-8' });
  app.get('/', page);
  app.get('/runs/:run', page);
  app.get('/runs/:run/*', page);
  app.notFound((c) => (c.req.path.startsWith('/api/') ? c.json({ error: 'no such API route' }, 404) : c.text('not found\n', 404)));
  return app;
}
