// Client-side navigation: links inside the app change the URL without a reload; the back
// button works; every screen has a URL that can be shared.
import { useEffect, useState } from 'preact/hooks';

export interface Location {
  readonly path: string;
  readonly query: URLSearchParams;
}

const current = (): Location => ({ path: location.pathname, query: new URLSearchParams(location.search) });
const listeners = new Set<() => void>();

export const navigate = (to: string, replace = false): void => {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const listener of listeners) listener();
};

addEventListener('popstate', () => {
  for (const listener of listeners) listener();
});

// A plain click on an in-app link navigates in place; modified clicks open tabs as usual.
addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = (event.target as Element | null)?.closest?.('a');
  if (anchor === null || anchor === undefined || anchor.target !== '' || anchor.hasAttribute('download')) return;
  const url = new URL(anchor.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/assets/')) return;
  event.preventDefault();
  navigate(`${url.pathname}${url.search}${url.hash}`);
});

export const useLocation = (): Location => {
  const [where, setWhere] = useState(current);
  useEffect(() => {
    const update = (): void => setWhere(current());
    listeners.add(update);
    return () => void listeners.delete(update);
  }, []);
  return where;
};

export const runUrl = (run: string, tab?: string): string => `/runs/${encodeURIComponent(run)}${tab === undefined ? '' : `/${tab}`}`;
export const jobUrl = (run: string, id: number, line?: number): string =>
  `/runs/${encodeURIComponent(run)}/jobs/${id}${line === undefined ? '' : `?line=${line}`}`;
