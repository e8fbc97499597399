// The history screen: for the run's spec, every job path's result in each run under DIR,
// oldest to newest, with paths that passed and failed on the same inputs marked flaky.
import { useEffect, useState } from 'preact/hooks';
import type { HistoryData } from '../../protocol.js';
import { getJson, openStream, runPath } from '../api.js';
import { VirtualList } from '../parts/virtual-list.js';
import { dateTime, resultClass, resultWord } from '../format.js';
import { runUrl } from '../router.js';
import { RunHeader, useRunSummary } from './run.js';

const CELL: Readonly<Record<string, [string, string]>> = {
  P: ['passed', 'passed'],
  F: ['failed', 'failed'],
  A: ['aborted', 'aborted'],
  C: ['cutoff', 'cut off'],
  R: ['running', 'running'],
  '.': ['pending', 'pending'],
  '?': ['pending', 'unknown'],
  '-': ['absent', 'not in this run'],
};

export function HistoryPage({ name, show }: { name: string; show: string }) {
  const [run, runError, onRun] = useRunSummary(name);
  const [history, setHistory] = useState<HistoryData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState(show === 'flaky' || show === 'failing' ? show : 'all');

  useEffect(() => openStream({ run: name }, { run: onRun }), [name]);
  useEffect(() => {
    setHistory(null);
    getJson<HistoryData>(`${runPath(name)}/history`, { show: filter }).then(setHistory, (e: Error) => setError(e.message));
  }, [name, filter]);

  if (runError !== null || error !== null) return <p class="error">{runError ?? error}</p>;
  if (run === null) return <p class="loading">Loading run…</p>;
  return (
    <section class="page history-page">
      <RunHeader run={run} tab="history" />
      {history === null ? (
        <p class="loading">Reading every run of this spec…</p>
      ) : (
        <div class="history" data-testid="history">
          <p class="note">
            {history.runs.length} run{history.runs.length === 1 ? '' : 's'} of <code>{history.spec}</code>, oldest first; {history.total} job paths,{' '}
            {history.flaky} flaky (passed and failed with the same command, environment and directory, or passed only after a retry).
          </p>
          <div class="history-tools">
            {(['all', 'failing', 'flaky'] as const).map((option) => (
              <label>
                <input type="radio" name="show" checked={filter === option} onChange={() => setFilter(option)} /> {option}
              </label>
            ))}
          </div>
          <div class="history-runs">
            {history.runs.map((entry, i) => (
              <a
                href={runUrl(entry.name)}
                class={`history-run ${resultClass(entry.status === 'done' ? entry.result : entry.status)}`}
                title={`${entry.name}: ${resultWord(entry.status === 'done' ? entry.result : entry.status)}, ${dateTime(entry.startedAt)}`}
              >
                {i + 1}
              </a>
            ))}
          </div>
          <VirtualList
            count={history.rows.length}
            rowHeight={24}
            class="history-list"
            row={(index) => {
              const row = history.rows[index];
              if (row === undefined) return null;
              return (
                <div class="history-row" data-path={row.path} data-flaky={row.flaky ? '1' : '0'} data-cells={row.cells}>
                  <span class="cells">
                    {[...row.cells].map((cell, i) => {
                      const [cls, word] = CELL[cell] ?? ['pending', cell];
                      return <span class={`cell ${cls}`} title={`${history.runs[i]?.name ?? ''}: ${word}`} />;
                    })}
                  </span>
                  {row.flaky ? <span class="flaky">flaky</span> : null}
                  <span class="path">{row.path}</span>
                </div>
              );
            }}
          />
        </div>
      )}
    </section>
  );
}
