// The SQL screen: one read-only statement over the run's public views, refused exactly as
// `gator query` refuses it (the same check), the result as a table and as a CSV download.
import { useEffect, useState } from 'preact/hooks';
import type { QueryResult, ViewDoc } from '../../protocol.js';
import { ApiError, getJson, postJson, runPath } from '../api.js';
import { RunHeader, useRunSummary } from './run.js';
import { openStream } from '../api.js';

const EXAMPLE = "SELECT path, result, exit_code, round(ended_at - started_at, 2) AS seconds\nFROM jobs WHERE kind = 'job'\nORDER BY seconds DESC\nLIMIT 20";

export function SqlPage({ name }: { name: string }) {
  const [run, runError, onRun] = useRunSummary(name);
  const [sql, setSql] = useState(EXAMPLE);
  const [result, setResult] = useState<QueryResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [views, setViews] = useState<ViewDoc[]>([]);

  useEffect(() => {
    getJson<ViewDoc[]>(`${runPath(name)}/schema`).then(setViews, () => undefined);
    return openStream({ run: name }, { run: onRun });
  }, [name]);

  const execute = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      setResult(await postJson<QueryResult>(`${runPath(name)}/query`, { sql }));
    } catch (e) {
      setResult(null);
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const download = async (): Promise<void> => {
    setError(null);
    const response = await fetch(`${runPath(name)}/query.csv`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sql }),
    });
    if (!response.ok) {
      setError(((await response.json()) as { error: string }).error);
      return;
    }
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = `${name}-query.csv`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  if (runError !== null) return <p class="error">{runError}</p>;
  if (run === null) return <p class="loading">Loading run…</p>;
  return (
    <section class="page sql-page">
      <RunHeader run={run} tab="sql" />
      <div class="sql-layout">
        <div class="sql-main">
          <textarea
            data-testid="sql"
            class="sql-input"
            spellcheck={false}
            value={sql}
            onInput={(event) => setSql(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void execute();
            }}
          />
          <div class="sql-tools">
            <button type="button" data-testid="run-sql" disabled={busy} onClick={() => void execute()}>
              {busy ? 'running…' : 'Run (Ctrl+Enter)'}
            </button>
            <button type="button" data-testid="csv" onClick={() => void download()}>
              Download CSV
            </button>
            <span class="note">Read-only: statements that would change the database, and ATTACH, are refused.</span>
          </div>
          {error !== null ? (
            <p class="error" data-testid="sql-error">
              {error}
            </p>
          ) : null}
          {result !== null ? (
            <>
              <p class="note" data-testid="sql-status">
                {result.rows.length} row{result.rows.length === 1 ? '' : 's'}
                {result.truncated ? ` shown (the first ${result.rows.length}; download the CSV for all)` : ''} in {result.elapsedMs} ms
              </p>
              <div class="sql-result">
                <table class="grid" data-testid="sql-result">
                  <thead>
                    <tr>
                      {result.columns.map((column) => (
                        <th>{column}</th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {result.rows.map((row) => (
                      <tr>
                        {row.map((cell) => (
                          <td class={typeof cell === 'number' ? 'num' : cell === null ? 'null' : ''}>{cell === null ? 'NULL' : String(cell)}</td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          ) : null}
        </div>
        <aside class="schema">
          <h3>Views</h3>
          {views.map((view) => (
            <details>
              <summary>
                <code>{view.name}</code>
              </summary>
              <p class="note">{view.about}</p>
              <ul>
                {view.columns.map((column) => (
                  <li>
                    <code>{column.name}</code> <span class="note">{column.about}</span>
                  </li>
                ))}
              </ul>
            </details>
          ))}
        </aside>
      </div>
    </section>
  );
}
