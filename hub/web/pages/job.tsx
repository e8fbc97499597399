// The job screen: what ran and how it ended, its CPU, memory and process count over time, its
// metrics, and its log: filtered by severity or text, errors only, following the end while the
// job runs, each line a link that stays good.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { JobDetail, Series } from '../../protocol.js';
import { getJson, openStream, runPath } from '../api.js';
import { CopyCommand } from '../parts/copy.js';
import { LogModel } from '../parts/log-model.js';
import { Plot } from '../parts/plot.js';
import { VirtualList } from '../parts/virtual-list.js';
import { clock, dateTime, formatBytes, formatDuration, nodeWord, resultClass } from '../format.js';
import { jobUrl, navigate, runUrl } from '../router.js';
import { RunHeader, useRunSummary } from './run.js';

const SEVERITIES = [
  ['', 'all lines'],
  ['INFO', 'INFO and above'],
  ['WARNING', 'WARNING and above'],
  ['ERROR', 'ERROR and above'],
  ['CRITICAL', 'CRITICAL'],
] as const;

const LINE_HEIGHT = 19;

const emptySeries = (): Series => ({ ts: [], cpuPercent: [], rssBytes: [], nproc: [] });

const append = (a: Series, b: Series): Series => ({
  ts: [...a.ts, ...b.ts],
  cpuPercent: [...a.cpuPercent, ...b.cpuPercent],
  rssBytes: [...a.rssBytes, ...b.rssBytes],
  nproc: [...a.nproc, ...b.nproc],
});

const isLive = (job: JobDetail): boolean => job.state === 'launched' || job.state === 'running' || job.state === 'pending';

export function JobPage({ name, id, query }: { name: string; id: number; query: URLSearchParams }) {
  const [run, runError, onRun] = useRunSummary(name);
  const [job, setJob] = useState<JobDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [samples, setSamples] = useState<Series>(emptySeries());
  const severity = query.get('severity') ?? '';
  const q = query.get('q') ?? '';
  const line = query.get('line');
  const target = line === null || !/^\d+$/.test(line) ? null : Number(line);
  const [search, setSearch] = useState(q);
  const [tick, setTick] = useState(0);
  const [follow, setFollow] = useState(false);
  const [scrollTo, setScrollTo] = useState<number | null>(null);
  const path = `${runPath(name)}/jobs/${id}/lines`;
  const model = useMemo(() => new LogModel(path, { severity, q }, () => setTick((n) => n + 1)), [path, severity, q]);

  useEffect(() => {
    setJob(null);
    setSamples(emptySeries());
    getJson<JobDetail>(`${runPath(name)}/jobs/${id}`).then(setJob, (e: Error) => setError(e.message));
  }, [name, id]);

  // Open the log at the line asked for; else a live job at its end, following it; a failed
  // one at its end, where the failure is; a passed one at its start. Then stream what comes.
  const loaded = job !== null;
  useEffect(() => {
    if (job === null) return;
    let close: (() => void) | null = null;
    let cancelled = false;
    void (async () => {
      if (target !== null) {
        const index = await model.locate(target);
        setFollow(false);
        setScrollTo(index);
      } else if (isLive(job)) {
        await model.tail();
        setFollow(true);
      } else if (job.result !== 'success') {
        await model.tail();
        setScrollTo(Math.max(0, model.total - 1));
      } else await model.head();
      if (cancelled) return;
      close = openStream(
        { run: name, job: id, severity, q, after: model.cursor },
        {
          run: onRun,
          lines: (event) => model.receive(event),
          job: (detail) => setJob(detail),
          samples: (more) => setSamples((known) => append(known, more)),
        },
      );
    })();
    return () => {
      cancelled = true;
      close?.();
    };
  }, [model, target, loaded]);

  const setQuery = (changes: Record<string, string | null>): void => {
    const next = new URLSearchParams(query);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === '') next.delete(key);
      else next.set(key, value);
    }
    const text = next.toString();
    navigate(`${jobUrl(name, id)}${text === '' ? '' : `?${text}`}`, true);
  };

  useEffect(() => {
    if (search === q) return;
    const timer = setTimeout(() => setQuery({ q: search, line: null }), 300);
    return () => clearTimeout(timer);
  }, [search]);

  if (error !== null || runError !== null) return <p class="error">{error ?? runError}</p>;
  if (job === null || run === null) return <p class="loading">Loading job…</p>;
  const word = nodeWord(job.state, job.result);
  const lineLink = (n: number): string => {
    const next = new URLSearchParams(query);
    next.set('line', String(n));
    return `${jobUrl(name, id)}?${next.toString()}`;
  };
  return (
    <section class="page job-page" data-job={job.id} data-state={job.state}>
      <RunHeader run={run} tab="job" />
      <div class="crumbs job-crumbs">
        {job.ancestors.map((ancestor) => (
          <>
            <a href={runUrl(name)}>{ancestor.ident}</a> ›{' '}
          </>
        ))}
        <strong>{job.ident}</strong>
      </div>
      <div class="job-title">
        <span class={`badge big ${resultClass(word === 'running' ? 'running' : job.result)}`} data-testid="job-result">
          {word}
        </span>
        <code class="path">{job.path}</code>
        {job.reason !== null ? (
          <span class="reason" data-testid="job-reason">
            {job.reason}
          </span>
        ) : null}
      </div>
      <div class="job-panels">
        <dl class="facts job-facts">
          <dt>command</dt>
          <dd>
            <code>{job.command ?? '–'}</code>
          </dd>
          <dt>cwd</dt>
          <dd>
            <code>{job.cwd ?? '–'}</code>
          </dd>
          <dt>exit</dt>
          <dd data-testid="job-exit">{job.signal !== null ? `killed by ${job.signal}` : job.exitCode === null ? '–' : `exit code ${job.exitCode}`}</dd>
          <dt>started</dt>
          <dd>{dateTime(job.startedAt)}</dd>
          <dt>ended</dt>
          <dd>{dateTime(job.endedAt)}</dd>
          <dt>duration</dt>
          <dd>{job.duration === null ? '–' : formatDuration(job.duration)}</dd>
          <dt>pid</dt>
          <dd>{job.pid ?? '–'}</dd>
          <dt>peaks</dt>
          <dd>
            CPU {job.cpuPeak === null ? '–' : `${job.cpuPeak.toFixed(0)}%`}, RSS {formatBytes(job.rssPeak)}
          </dd>
          <dt>messages</dt>
          <dd class="message-counts">
            {Object.entries(job.messages).map(([sev, n]) => (
              <span class={`sev-${sev}`}>
                {n} {sev}
              </span>
            ))}
          </dd>
          {job.arrayIndices !== null ? (
            <>
              <dt>array indices</dt>
              <dd>{job.arrayIndices.join(', ')}</dd>
            </>
          ) : null}
          <dt>env overlay</dt>
          <dd>
            {job.env === null || Object.keys(job.env).length === 0 ? (
              '–'
            ) : (
              <table class="env" data-testid="env">
                {Object.entries(job.env).map(([key, value]) => (
                  <tr>
                    <td>
                      <code>{key}</code>
                    </td>
                    <td>
                      <code>{value}</code>
                    </td>
                  </tr>
                ))}
              </table>
            )}
          </dd>
          {job.metrics.length > 0 ? (
            <>
              <dt>metrics</dt>
              <dd>
                <table class="job-metrics" data-testid="job-metrics">
                  {job.metrics.map((metric) => (
                    <tr>
                      <td>{metric.name}</td>
                      <td class="num">{metric.value}</td>
                    </tr>
                  ))}
                </table>
              </dd>
            </>
          ) : null}
        </dl>
        <div class="job-plot">
          <h3>Resources</h3>
          {samples.ts.length === 0 ? (
            <p class="empty" data-testid="no-samples">
              No samples{isLive(job) ? ' yet' : ': the job ended before the first sample'}.
            </p>
          ) : (
            <Plot
              testId="job-resources"
              ts={samples.ts}
              leftLabel="CPU % / processes"
              rightLabel="RSS"
              series={[
                { label: 'CPU %', values: samples.cpuPercent, color: '#d9480f', scale: 'left' },
                { label: 'processes', values: samples.nproc, color: '#1971c2', scale: 'left' },
                { label: 'RSS', values: samples.rssBytes, color: '#2f9e44', scale: 'right' },
              ]}
            />
          )}
        </div>
      </div>
      <CopyCommand command={job.replay} label="whole log in a terminal:" />
      <div class="log-tools">
        <label>
          severity{' '}
          <select data-testid="severity" value={severity} onChange={(event) => setQuery({ severity: event.currentTarget.value, line: null })}>
            {SEVERITIES.map(([value, label]) => (
              <option value={value}>{label}</option>
            ))}
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            data-testid="errors-only"
            checked={severity === 'ERROR'}
            onChange={(event) => setQuery({ severity: event.currentTarget.checked ? 'ERROR' : null, line: null })}
          />{' '}
          errors only
        </label>
        <input type="search" data-testid="search" placeholder="search the log" value={search} onInput={(event) => setSearch(event.currentTarget.value)} />
        <label>
          <input type="checkbox" data-testid="follow" checked={follow} onChange={(event) => setFollow(event.currentTarget.checked)} /> follow
        </label>
        <span class="log-count" data-testid="log-count" data-total={model.total} data-all={model.all}>
          {severity === '' && q === '' ? `${model.all} lines` : `${model.total} of ${model.all} lines`}
        </span>
      </div>
      <div class="log" data-testid="log" data-tick={tick}>
        <VirtualList
          count={model.total}
          rowHeight={LINE_HEIGHT}
          class="log-list"
          stickToEnd={follow}
          scrollTo={scrollTo}
          onRange={(first, last) => model.ensure(first, last)}
          onAtEnd={(atEnd) => {
            if (!atEnd && follow) setFollow(false);
          }}
          row={(index) => {
            const entry = model.line(index);
            if (entry === undefined) return <div class="log-line loading">…</div>;
            return (
              <div class={`log-line sev-${entry.severity}${entry.n === target ? ' target' : ''}`} data-n={entry.n} data-severity={entry.severity}>
                <a class="n" href={lineLink(entry.n)}>
                  {entry.n}
                </a>
                <span class="ts">{clock(entry.ts)}</span>
                <span class="sev">{entry.severity}</span>
                <span class="text">{entry.text}</span>
              </div>
            );
          }}
        />
      </div>
    </section>
  );
}
