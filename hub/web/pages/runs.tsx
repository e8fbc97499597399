// The runs screen: every run under DIR, newest first, with its result and live counts; live
// runs update in place from the stream. Runs that cannot be read (an older gator's database)
// are listed after them with the reason, in the readers' words.
import { useEffect, useState } from 'preact/hooks';
import type { RunSummary, UnreadableRun } from '../../protocol.js';
import { getJson, openStream } from '../api.js';
import { CountCells } from '../parts/counts.js';
import { CATEGORY_WORDS, dateTime, formatDuration, liveDuration, resultClass, resultWord } from '../format.js';
import { runUrl } from '../router.js';
import { useNow } from '../parts/now.js';

interface Received {
  readonly run: RunSummary;
  readonly at: number;
}

const sortRuns = (runs: readonly Received[]): Received[] => [...runs].sort((a, b) => b.run.startedAt - a.run.startedAt || (a.run.name < b.run.name ? 1 : -1));

export function RunsPage() {
  const [runs, setRuns] = useState<Received[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [unreadable, setUnreadable] = useState<readonly UnreadableRun[]>([]);
  const now = useNow(1000);

  useEffect(() => {
    getJson<UnreadableRun[]>('/api/unreadable').then(setUnreadable, (e: Error) => setError(e.message));
    getJson<RunSummary[]>('/api/runs').then(
      (list) => setRuns(sortRuns(list.map((run) => ({ run, at: Date.now() })))),
      (e: Error) => setError(e.message),
    );
    return openStream(
      {},
      {
        runs: (list) => setRuns(sortRuns(list.map((run) => ({ run, at: Date.now() })))),
        unreadable: setUnreadable,
        run: (run) =>
          setRuns((known) => {
            const list = known ?? [];
            const others = list.filter((entry) => entry.run.name !== run.name);
            return sortRuns([...others, { run, at: Date.now() }]);
          }),
      },
    );
  }, []);

  if (error !== null) return <p class="error">{error}</p>;
  if (runs === null) return <p class="loading">Loading runs…</p>;
  if (runs.length === 0 && unreadable.length === 0)
    return (
      <p class="empty">
        No runs here yet. Start one with <code>gator run SPEC.yaml</code>; it appears here as soon as it begins.
      </p>
    );
  return (
    <section class="page runs-page">
      <h1>Runs</h1>
      <table class="runs" data-testid="runs">
        <thead>
          <tr>
            <th>run</th>
            <th>result</th>
            {CATEGORY_WORDS.map(([, word]) => (
              <th class="num">{word}</th>
            ))}
            <th class="num">jobs</th>
            <th class="num">duration</th>
            <th>started</th>
            <th>spec</th>
            <th>host</th>
          </tr>
        </thead>
        <tbody>
          {runs.map(({ run, at }) => (
            <tr data-run={run.name} data-status={run.status} class={`run-row ${resultClass(run.result)}`}>
              <td>
                <a href={runUrl(run.name)}>{run.name}</a>
                {run.latest ? <span class="tag">latest</span> : null}
              </td>
              <td>
                <span class={`badge ${resultClass(run.result)}`} data-result>
                  {resultWord(run.result)}
                </span>
              </td>
              <CountCells counts={run.counts} />
              <td class="num" data-count="total">
                {run.counts.total}
              </td>
              <td class="num">{formatDuration(liveDuration(run, at, now))}</td>
              <td>{dateTime(run.startedAt)}</td>
              <td class="path" title={run.spec}>
                {run.spec}
              </td>
              <td>{run.host}</td>
            </tr>
          ))}
          {unreadable.map((run) => (
            <tr data-run={run.name} data-status="unreadable" class="run-row unreadable">
              <td>{run.name}</td>
              <td>
                <span class="badge unreadable" data-result>
                  unreadable
                </span>
              </td>
              <td colSpan={CATEGORY_WORDS.length + 5} class="unreadable-reason" data-testid="unreadable-reason">
                {run.reason}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
