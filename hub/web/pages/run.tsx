// The run screen: the run's header with live counts, and its tabs: the job tree, the failure
// groups, the timeline, resource use and metrics (SQL and history have screens of their own).
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ChildrenPage, RunDetail, RunSummary, TreeNode } from '../../protocol.js';
import { getJson, openStream, runPath } from '../api.js';
import { CountList, Progress } from '../parts/counts.js';
import { useNow } from '../parts/now.js';
import { TreeModel } from '../parts/tree-model.js';
import { VirtualList } from '../parts/virtual-list.js';
import { dateTime, formatDuration, liveDuration, nodeWord, resultClass, resultWord } from '../format.js';
import { jobUrl, runUrl } from '../router.js';
import { FailuresTab } from './failures.js';
import { MetricsTab } from './metrics.js';
import { ResourcesTab } from './resources.js';
import { TimelineTab } from './timeline.js';

export const RUN_TABS = [
  ['', 'Jobs'],
  ['failures', 'Failures'],
  ['timeline', 'Timeline'],
  ['resources', 'Resources'],
  ['metrics', 'Metrics'],
  ['sql', 'SQL'],
  ['history', 'History'],
] as const;

export type RunTab = (typeof RUN_TABS)[number][0];

/** The run's header, shared by every screen of a run; follows the run's summary on the stream. */
export type LiveRun = RunDetail & { readonly receivedAt: number };

export function RunHeader({ run, tab }: { run: LiveRun; tab: RunTab | 'job' }) {
  const now = useNow(1000);
  const at = run.receivedAt;
  return (
    <header class="run-header" data-run={run.name} data-status={run.status}>
      <div class="crumbs">
        <a href="/">Runs</a> › <a href={runUrl(run.name)}>{run.name}</a>
      </div>
      <div class="run-title">
        <span class={`badge big ${resultClass(run.result)}`} data-testid="run-result">
          {resultWord(run.result)}
        </span>
        <CountList counts={run.counts} />
        <Progress counts={run.counts} />
      </div>
      <dl class="facts">
        <dt>spec</dt>
        <dd class="path">{run.spec}</dd>
        <dt>started</dt>
        <dd>{dateTime(run.startedAt)}</dd>
        <dt>duration</dt>
        <dd>{formatDuration(liveDuration(run, at, now))}</dd>
        <dt>host</dt>
        <dd>{run.host}</dd>
        {run.status === 'cut-off' ? (
          <>
            <dt>status</dt>
            <dd class="cutoff">cut off: the runner stopped without ending the run</dd>
          </>
        ) : null}
        {run.exitCode !== null ? (
          <>
            <dt>exit code</dt>
            <dd>{run.exitCode}</dd>
          </>
        ) : null}
      </dl>
      <nav class="tabs">
        {RUN_TABS.map(([id, label]) => (
          <a href={runUrl(run.name, id === '' ? undefined : id)} class={tab === id ? 'active' : ''}>
            {label}
          </a>
        ))}
      </nav>
    </header>
  );
}

/** Keeps a run's summary current from the tab's stream; the page passes the stream's other handlers. */
export const useRunSummary = (name: string): [LiveRun | null, string | null, (run: RunSummary) => void] => {
  const [run, setRun] = useState<LiveRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setRun(null);
    getJson<RunDetail>(runPath(name)).then(
      (detail) => setRun({ ...detail, receivedAt: Date.now() }),
      (e: Error) => setError(e.message),
    );
  }, [name]);
  const onRun = (summary: RunSummary): void => {
    if (summary.name === name) setRun((known) => (known === null ? known : { ...known, ...summary, receivedAt: Date.now() }));
  };
  return [run, error, onRun];
};

export function RunPage({ name, tab }: { name: string; tab: RunTab }) {
  const [run, error, onRun] = useRunSummary(name);
  const [tick, setTick] = useState(0);
  const model = useMemo(
    () =>
      new TreeModel(
        (parent, offset, limit) => getJson<ChildrenPage>(`${runPath(name)}/children`, { parent: parent ?? undefined, offset, limit }),
        () => setTick((n) => n + 1),
        (node, depth) => depth === 0 || (depth === 1 && node.childCount <= 50),
      ),
    [name],
  );
  const listening = useRef<number>(0);

  useEffect(() => {
    if (tab === '') void model.start();
  }, [model, tab]);

  useEffect(() => {
    listening.current++;
    return openStream(
      { run: name },
      {
        run: onRun,
        nodes: (event) => {
          if (event.run !== name) return;
          if (event.reset) model.reset();
          else model.update(event.nodes);
        },
      },
    );
  }, [name, model]);

  if (error !== null) return <p class="error">{error}</p>;
  if (run === null) return <p class="loading">Loading run…</p>;
  return (
    <section class="page run-page">
      <RunHeader run={run} tab={tab} />
      {tab === '' ? <JobTree run={run} model={model} tick={tick} /> : null}
      {tab === 'failures' ? <FailuresTab run={run} /> : null}
      {tab === 'timeline' ? <TimelineTab run={run} /> : null}
      {tab === 'resources' ? <ResourcesTab run={run} /> : null}
      {tab === 'metrics' ? <MetricsTab run={run} /> : null}
    </section>
  );
}

const ROW_HEIGHT = 26;

function TreeRowView({ run, node, depth, model }: { run: RunSummary; node: TreeNode | undefined; depth: number; model: TreeModel }) {
  if (node === undefined)
    return (
      <div class="tree-row loading" style={{ paddingLeft: `${depth * 18 + 6}px` }}>
        …
      </div>
    );
  const word = nodeWord(node.state, node.result);
  const duration = node.startedAt === null ? null : (node.endedAt ?? Date.now() / 1000) - node.startedAt;
  return (
    <div
      class={`tree-row ${resultClass(word === 'running' ? 'running' : node.result === 'unknown' ? 'unknown' : node.result)}`}
      data-node={node.id}
      data-path={node.path}
      data-result={word}
    >
      <span class="indent" style={{ width: `${depth * 18}px` }} />
      {node.kind === 'job' ? (
        <span class="toggle leaf" />
      ) : (
        <button type="button" class="toggle" aria-label={model.isExpanded(node.id) ? 'collapse' : 'expand'} onClick={() => model.toggle(node, depth)}>
          {model.isExpanded(node.id) ? '▾' : '▸'}
        </button>
      )}
      <span class={`dot ${resultClass(word === 'running' ? 'running' : node.result)}`} title={word} />
      {node.kind === 'job' ? (
        <a class="ident" href={jobUrl(run.name, node.id)}>
          {node.ident}
        </a>
      ) : (
        <span class="ident group" onClick={() => model.toggle(node, depth)}>
          {node.ident} <span class="kind">{node.kind}</span>
        </span>
      )}
      {node.counts !== null ? (
        <>
          <Progress counts={node.counts} />
          <span class="tally">
            {node.counts.passed + node.counts.failed + node.counts.aborted + node.counts.cutOff}/{node.counts.total}
            {node.counts.failed > 0 ? <span class="count-failed"> · {node.counts.failed} failed</span> : null}
            {node.counts.running > 0 ? <span class="count-running"> · {node.counts.running} running</span> : null}
          </span>
        </>
      ) : (
        <span class="word">{word}</span>
      )}
      <span class="duration">{duration === null ? '' : formatDuration(duration)}</span>
      {node.reason !== null ? <span class="reason">{node.reason}</span> : null}
    </div>
  );
}

function JobTree({ run, model, tick }: { run: RunSummary; model: TreeModel; tick: number }) {
  return (
    <div class="tree" data-testid="tree" data-tick={tick}>
      <VirtualList
        count={model.rows}
        rowHeight={ROW_HEIGHT}
        class="tree-list"
        onRange={(first, last) => model.ensure(first, last)}
        row={(index) => {
          const { node, depth } = model.row(index);
          return <TreeRowView run={run} node={node} depth={depth} model={model} />;
        }}
      />
    </div>
  );
}
