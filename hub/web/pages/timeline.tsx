// Every job as a bar from its start to its end, coloured by result, packed into lanes (a lane
// per job running at once), drawn on a canvas so 100,000 jobs draw at once. Click a bar to
// open its job.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Category, RunSummary, TimelineData } from '../../protocol.js';
import { getJson, runPath } from '../api.js';
import { formatDuration } from '../format.js';
import { jobUrl, navigate } from '../router.js';

const COLOURS: Readonly<Record<Category, string>> = {
  passed: '#2f9e44',
  failed: '#e03131',
  aborted: '#868e96',
  cutOff: '#f08c00',
  running: '#1c7ed6',
  pending: '#ced4da',
  unknown: '#adb5bd',
};

interface Layout {
  readonly lane: Int32Array;
  readonly lanes: number;
}

/** Greedy lane packing: each job takes the first lane free at its start. */
const pack = (data: TimelineData): Layout => {
  const lane = new Int32Array(data.ids.length);
  const ends: number[] = [];
  for (let i = 0; i < data.ids.length; i++) {
    const start = data.start[i] as number;
    const end = data.end[i] ?? data.now;
    let chosen = ends.findIndex((free) => free <= start);
    if (chosen < 0) chosen = ends.push(end) - 1;
    else ends[chosen] = end;
    lane[i] = chosen;
  }
  return { lane, lanes: ends.length };
};

export function TimelineTab({ run }: { run: RunSummary }) {
  const [data, setData] = useState<TimelineData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const finished = run.counts.passed + run.counts.failed + run.counts.aborted + run.counts.running;
  useEffect(() => {
    getJson<TimelineData>(`${runPath(run.name)}/timeline`).then(setData, (e: Error) => setError(e.message));
  }, [run.name, finished, run.status]);

  const layout = data === null ? null : pack(data);
  const laneHeight = layout === null ? 10 : Math.max(2, Math.min(16, Math.floor(480 / Math.max(1, layout.lanes))));

  useEffect(() => {
    const element = canvas.current;
    if (element === null || data === null || layout === null) return;
    const draw = (): void => {
      const ratio = window.devicePixelRatio || 1;
      const width = element.clientWidth;
      const height = layout.lanes * laneHeight;
      element.width = Math.round(width * ratio);
      element.height = Math.round(height * ratio);
      element.style.height = `${height}px`;
      const context = element.getContext('2d');
      if (context === null) return;
      context.scale(ratio, ratio);
      context.clearRect(0, 0, width, height);
      const span = Math.max(1e-3, data.now - data.startedAt);
      for (let i = 0; i < data.ids.length; i++) {
        const x0 = (((data.start[i] as number) - data.startedAt) / span) * width;
        const x1 = (((data.end[i] ?? data.now) - data.startedAt) / span) * width;
        context.fillStyle = COLOURS[data.category[i] as Category];
        context.fillRect(x0, (layout.lane[i] as number) * laneHeight, Math.max(1, x1 - x0), Math.max(1, laneHeight - 1));
      }
    };
    draw();
    const observer = new ResizeObserver(draw);
    observer.observe(element);
    return () => observer.disconnect();
  }, [data, laneHeight]);

  if (error !== null) return <p class="error">{error}</p>;
  if (data === null || layout === null) return <p class="loading">Loading the timeline…</p>;
  if (data.ids.length === 0) return <p class="empty">No job has started yet.</p>;
  const span = data.now - data.startedAt;
  return (
    <div class="timeline" data-testid="timeline">
      <p class="note">
        {data.ids.length} jobs in {layout.lanes} lanes over {formatDuration(span)}; colour is the result (
        {Object.entries(COLOURS).map(([category, colour]) => (
          <span class="legend">
            <span class="swatch" style={{ background: colour }} />
            {category === 'cutOff' ? 'cut off' : category}{' '}
          </span>
        ))}
        ). Click a bar to open the job.
      </p>
      <canvas
        ref={canvas}
        class="timeline-canvas"
        onClick={(event) => {
          const rect = event.currentTarget.getBoundingClientRect();
          const t = data.startedAt + ((event.clientX - rect.left) / rect.width) * Math.max(1e-3, span);
          const lane = Math.floor((event.clientY - rect.top) / laneHeight);
          for (let i = 0; i < data.ids.length; i++) {
            if (layout.lane[i] === lane && (data.start[i] as number) <= t && (data.end[i] ?? data.now) >= t) {
              navigate(jobUrl(run.name, data.ids[i] as number));
              return;
            }
          }
        }}
      />
      <div class="axis">
        <span>0s</span>
        <span>{formatDuration(span / 2)}</span>
        <span>{formatDuration(span)}</span>
      </div>
    </div>
  );
}
