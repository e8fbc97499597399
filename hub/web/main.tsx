// The hub's pages: which screen a URL shows.
import { render } from 'preact';
import { HistoryPage } from './pages/history.js';
import { JobPage } from './pages/job.js';
import { RUN_TABS, RunPage, type RunTab } from './pages/run.js';
import { RunsPage } from './pages/runs.js';
import { SqlPage } from './pages/sql.js';
import { useLocation } from './router.js';

const TABS = new Set<string>(RUN_TABS.map(([id]) => id));

function App() {
  const { path, query } = useLocation();
  const parts = path
    .split('/')
    .filter((part) => part !== '')
    .map(decodeURIComponent);
  let page;
  if (parts.length === 0) page = <RunsPage />;
  else if (parts[0] === 'runs' && parts[1] !== undefined) {
    const name = parts[1];
    const rest = parts.slice(2);
    if (rest[0] === 'jobs' && rest[1] !== undefined && /^\d+$/.test(rest[1]))
      page = <JobPage key={`${name}/${rest[1]}`} name={name} id={Number(rest[1])} query={query} />;
    else if (rest[0] === 'sql') page = <SqlPage key={name} name={name} />;
    else if (rest[0] === 'history') page = <HistoryPage key={name} name={name} show={query.get('show') ?? 'all'} />;
    else if (rest.length === 0 || TABS.has(rest[0] ?? '')) page = <RunPage key={name} name={name} tab={(rest[0] ?? '') as RunTab} />;
  }
  return (
    <>
      <nav class="top">
        <a href="/" class="brand">
          Gator hub
        </a>
      </nav>
      <main>{page ?? <p class="error">No such page.</p>}</main>
    </>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);
