// Metrics rolled up over the run: per name, how many jobs reported it and their sum, min, max, mean.
import { useEffect, useState } from 'preact/hooks';
import type { MetricRollup, RunSummary } from '../../protocol.js';
import { getJson, runPath } from '../api.js';

const number = (value: number): string => (Number.isInteger(value) ? String(value) : value.toPrecision(6).replace(/\.?0+$/, ''));

export function MetricsTab({ run }: { run: RunSummary }) {
  const [rows, setRows] = useState<MetricRollup[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    getJson<MetricRollup[]>(`${runPath(run.name)}/metrics`).then(setRows, (e: Error) => setError(e.message));
  }, [run.name, run.counts.passed + run.counts.failed]);
  if (error !== null) return <p class="error">{error}</p>;
  if (rows === null) return <p class="loading">Loading metrics…</p>;
  if (rows.length === 0) return <p class="empty">No job reported a metric.</p>;
  return (
    <table class="grid metrics" data-testid="metrics">
      <thead>
        <tr>
          <th>metric</th>
          <th class="num">jobs</th>
          <th class="num">sum</th>
          <th class="num">min</th>
          <th class="num">max</th>
          <th class="num">mean</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr>
            <td>{row.name}</td>
            <td class="num">{row.jobs}</td>
            <td class="num">{number(row.sum)}</td>
            <td class="num">{number(row.min)}</td>
            <td class="num">{number(row.max)}</td>
            <td class="num">{number(row.mean)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
