// Who may talk to the hub. On loopback (the default) only pages that name this machine in
// their Host header are served, so a web page elsewhere cannot reach the hub through DNS
// rebinding. On any other interface every request must carry the access token printed with
// the URL: in the URL once (it is then kept in a cookie for this port, and dropped from the
// address bar), or as `Authorization: Bearer`.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

export const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

export const newToken = (): string => randomBytes(24).toString('base64url');

const sameSecret = (given: string | undefined, token: string): boolean => {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** The host name part of a Host header (`[::1]:8080` → `[::1]`, `localhost:80` → `localhost`). */
const hostName = (header: string): string => (header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : (header.split(':')[0] ?? ''));

export interface AccessOptions {
  /** The address the hub listens on. */
  readonly host: string;
  /** Required unless the hub listens on loopback. */
  readonly token: string | null;
  readonly port: () => number;
}

export function access(options: AccessOptions): MiddlewareHandler {
  return async (c, next) => {
    if (options.token === null) {
      const name = hostName(c.req.header('host') ?? '');
      if (!isLoopback(name)) return c.text('gator hub: this hub answers only requests addressed to this machine (127.0.0.1 or localhost)\n', 403);
      return next();
    }
    const cookieName = `gator_hub_${options.port()}`;
    const fromUrl = c.req.query('token');
    const bearer = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    if (sameSecret(fromUrl, options.token)) {
      setCookie(c, cookieName, options.token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      // A page opened with the token in its URL goes on without it in the address bar.
      if (c.req.method === 'GET' && !c.req.path.startsWith('/api/')) {
        const url = new URL(c.req.url);
        url.searchParams.delete('token');
        return c.redirect(`${url.pathname}${url.search}`, 303);
      }
      return next();
    }
    if (sameSecret(bearer, options.token) || sameSecret(getCookie(c, cookieName), options.token)) return next();
    return c.text('gator hub: this hub needs its access token: open the URL it printed when it started\n', 401);
  };
}
