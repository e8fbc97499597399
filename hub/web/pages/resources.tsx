// The run's resource use over time: CPU and memory of every job summed per sampling tick, and
// how many jobs were running.
import { useEffect, useState } from 'preact/hooks';
import type { RunSummary, Series } from '../../protocol.js';
import { getJson, runPath } from '../api.js';
import { Plot } from '../parts/plot.js';

export function ResourcesTab({ run }: { run: RunSummary }) {
  const [series, setSeries] = useState<(Series & { bucket: number }) | null>(null);
  const [error, setError] = useState<string | null>(null);
  const finished = run.counts.passed + run.counts.failed + run.counts.aborted;
  useEffect(() => {
    getJson<Series & { bucket: number }>(`${runPath(run.name)}/resources`).then(setSeries, (e: Error) => setError(e.message));
  }, [run.name, finished, run.status]);
  if (error !== null) return <p class="error">{error}</p>;
  if (series === null) return <p class="loading">Loading samples…</p>;
  if (series.ts.length === 0) return <p class="empty">No resource samples: no job ran long enough to be sampled.</p>;
  return (
    <div class="resources">
      <p class="note">Summed over the jobs sampled in each {series.bucket} s interval.</p>
      <Plot
        testId="run-resources"
        ts={series.ts}
        leftLabel="CPU % / jobs"
        rightLabel="RSS"
        height={300}
        series={[
          { label: 'CPU %', values: series.cpuPercent, color: '#d9480f', scale: 'left' },
          { label: 'jobs running', values: series.jobs ?? [], color: '#1971c2', scale: 'left' },
          { label: 'RSS', values: series.rssBytes, color: '#2f9e44', scale: 'right' },
        ]}
      />
    </div>
  );
}
