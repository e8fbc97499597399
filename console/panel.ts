// The live panel's lines for one frame: failed jobs, running jobs, then the bar and counters at
// the bottom (nearest the cursor, like Gator's). Everything comes from a bounded snapshot, each
// line is cut to the terminal width, and sections shrink until the panel fits the height, so the
// erase of the next frame always reaches the top of this one.
import { describeWaiting, replayCommand } from '../vocabulary/wording.js';
import { palette, type Palette } from './color.js';
import { formatElapsed } from './durations.js';
import { fit, widthOf } from './fit.js';
import type { ProgressSnapshot } from './progress-model.js';
import { visible } from './visible.js';

export interface PanelStyle {
  readonly width: number;
  readonly height: number;
  readonly color: boolean;
}

/** At most this many rows of each list; the snapshot needs no more. */
export const PANEL_LIMITS = { running: 5, failed: 3 } as const;

const BAR_MIN = 10;
const BAR_MAX = 50;

interface Shape {
  readonly failed: number;
  readonly running: number;
  readonly counters: boolean;
}

const plainText = (text: string): string => visible(text, { tabs: 'space' });

const failedSection = (s: ProgressSnapshot, shown: number, c: Palette): string[] => {
  if (s.failed === 0) return [];
  const lines = [c.bold(c.red(`▼ Failed jobs (${s.failed}, newest first)`))];
  for (const job of s.failedJobs.slice(0, shown)) {
    const why = job.firstError === null ? job.reason : `${job.reason}: ${job.firstError}`;
    lines.push(`  ${c.red('✘')} ${plainText(job.path)}  ${plainText(why)}`);
    if (s.dbPath !== null) lines.push(c.dim(`    ${replayCommand(s.dbPath, job.path)}`));
  }
  const more = s.failed - Math.min(shown, s.failedJobs.length);
  if (more > 0) lines.push(c.dim(`  … and ${more} more (all in the report at the end)`));
  return lines;
};

const runningSection = (s: ProgressSnapshot, shown: number, c: Palette): string[] => {
  if (s.running === 0) return [];
  const lines = [c.bold(`▼ Running jobs (${s.running}, longest first)`)];
  for (const job of s.runningJobs.slice(0, shown)) {
    lines.push(`  ${c.cyan(formatElapsed(s.now - job.startedAt).padStart(6))}  ${plainText(job.path)}`);
  }
  const more = s.running - Math.min(shown, s.runningJobs.length);
  if (more > 0) lines.push(c.dim(`  … and ${more} more`));
  return lines;
};

/** Cumulative rounding so the segments always add up to exactly `cells`. */
const segmentCells = (counts: readonly number[], total: number, cells: number): number[] => {
  let before = 0;
  let drawn = 0;
  return counts.map((count) => {
    before += count;
    const end = total === 0 ? 0 : Math.round((before / total) * cells);
    const size = end - drawn;
    drawn = end;
    return size;
  });
};

const barLine = (s: ProgressSnapshot, width: number, color: boolean, c: Palette): string => {
  const done = s.passed + s.failed + s.aborted;
  const percent = s.total === 0 ? 0 : Math.floor((done / s.total) * 100);
  const eta = s.eta === null ? '' : s.pending + s.running === 0 ? '' : `  ~${formatElapsed(s.eta)} left`;
  const suffix = `  ${String(percent).padStart(3)}%  ${formatElapsed(s.elapsed)} elapsed${eta}`;
  const cells = Math.max(BAR_MIN, Math.min(BAR_MAX, width - widthOf(suffix)));
  // Failed first (Gator's order), then passed, aborted, running, pending.
  // Before the run knows its size the whole bar is "pending".
  const sizes = s.total === 0 ? [0, 0, 0, 0, cells] : segmentCells([s.failed, s.passed, s.aborted, s.running, s.pending], s.total, cells);
  const glyphs = color ? ['━', '━', '━', '━', '━'] : ['X', '#', '-', '>', '.'];
  const paints = [c.red, c.green, c.yellow, c.white, c.gray];
  const bar = sizes.map((size, i) => (size > 0 ? (paints[i] ?? String)((glyphs[i] ?? '.').repeat(size)) : '')).join('');
  return bar + suffix;
};

const countersLine = (s: ProgressSnapshot, c: Palette): string =>
  [
    c.green(`✔ ${s.passed} passed`),
    (s.failed > 0 ? c.red : c.dim)(`✘ ${s.failed} failed`),
    `▶ ${s.running} running`,
    c.dim(`◦ ${s.pending} pending`),
    (s.aborted > 0 ? c.yellow : c.dim)(`⊘ ${s.aborted} aborted`),
    `of ${s.total}`,
  ].join('  ');

/** Jobs held back by a pool: `⏸ 12 waiting: 8 for licence VCS, 4 for cores`. */
const waitingLine = (s: ProgressSnapshot, c: Palette): string[] =>
  s.waiting.total === 0 ? [] : [c.yellow(`⏸ ${describeWaiting(s.waiting.total, s.waiting.byPool)}`)];

const layout = (s: ProgressSnapshot, shape: Shape, style: PanelStyle, c: Palette): string[] => [
  ...(shape.failed >= 0 ? failedSection(s, shape.failed, c) : []),
  ...(shape.running >= 0 ? runningSection(s, shape.running, c) : []),
  ...(shape.counters ? waitingLine(s, c) : []),
  barLine(s, style.width - 1, style.color, c),
  ...(shape.counters ? [countersLine(s, c)] : []),
];

/** The shapes to try, richest first; -1 drops a section. */
function* shapes(): Generator<Shape> {
  for (let failed = PANEL_LIMITS.failed; failed >= 0; failed -= 1) yield { failed, running: PANEL_LIMITS.running, counters: true };
  for (let running = PANEL_LIMITS.running - 1; running >= 0; running -= 1) yield { failed: 0, running, counters: true };
  yield { failed: -1, running: 0, counters: true };
  yield { failed: -1, running: -1, counters: true };
  yield { failed: -1, running: -1, counters: false };
}

/** The panel's lines, each at most `width - 1` cells (the last column would trigger a wrap). */
export const renderPanel = (s: ProgressSnapshot, style: PanelStyle): string[] => {
  const c = palette(style.color);
  const budget = Math.max(1, style.height - 1);
  let lines: string[] = [];
  for (const shape of shapes()) {
    lines = layout(s, shape, style, c);
    if (lines.length <= budget) break;
  }
  return lines.map((line) => fit(line, Math.max(1, style.width - 1)));
};
