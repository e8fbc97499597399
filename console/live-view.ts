// The live panel pinned under the scrolling log lines. Log lines queue between frames; a frame
// is ONE write: begin synchronized output, erase the old panel, the queued lines, the new panel,
// end synchronized output. So lines never interleave with a half-drawn panel and a terminal that
// supports mode 2026 shows each frame at once (others ignore it), with no flicker and no debris.
import ansiEscapes from 'ansi-escapes';
import { widthOf } from './fit.js';
import { TerminalGuard, WRAP_OFF, WRAP_ON } from './terminal.js';

export interface LiveViewOptions {
  readonly stream: NodeJS.WriteStream;
  /** The panel for a terminal of this size; must cost the same however many jobs run. */
  readonly render: (width: number, height: number) => readonly string[];
  /** Frames per second. */
  readonly fps?: number;
}

/** Queued lines past this many bytes are written at once instead of waiting for the next tick. */
const FLUSH_BYTES = 64 * 1024;
const DEFAULT_FPS = 8;

export class LiveView {
  readonly #stream: NodeJS.WriteStream;
  readonly #render: LiveViewOptions['render'];
  readonly #fps: number;
  readonly #guard: TerminalGuard;
  #queued: string[] = [];
  #queuedBytes = 0;
  /** Display widths of the panel lines on screen, to know how many rows they fill now. */
  #drawn: number[] = [];
  #lastPanel = '';
  /** The panel lines last drawn, redrawn as they are when a flood of lines forces a frame. */
  #lastLines: readonly string[] = [];
  #timer: NodeJS.Timeout | null = null;
  #frames = 0;
  readonly #onResize = (): void => this.frame(true);

  constructor(options: LiveViewOptions) {
    this.#stream = options.stream;
    this.#render = options.render;
    this.#fps = options.fps ?? DEFAULT_FPS;
    this.#guard = new TerminalGuard(options.stream);
  }

  /** Frames written so far (tests count them). */
  get frames(): number {
    return this.#frames;
  }

  get running(): boolean {
    return this.#timer !== null;
  }

  start(): void {
    if (this.#timer !== null) return;
    this.#guard.enter(() => this.#erase() + this.#takeQueued());
    this.#timer = setInterval(() => this.frame(), Math.max(10, Math.round(1000 / this.#fps)));
    // The panel never keeps a finished run alive.
    this.#timer.unref();
    this.#stream.on('resize', this.#onResize);
    this.frame(true);
  }

  /** Queues a finished log line (no newline) to scroll above the panel. */
  line(text: string): void {
    if (this.#timer === null) {
      this.#stream.write(`${text}\n`);
      return;
    }
    this.#queued.push(`${text}\n`);
    this.#queuedBytes += text.length + 1;
    if (this.#queuedBytes >= FLUSH_BYTES) this.frame(true, this.#lastLines);
  }

  /**
   * Draws a frame; skipped when nothing changed (no lines, same panel, same size). `reuse`
   * reuses given lines instead of rendering (a flush between ticks keeps the frame cheap).
   */
  frame(force = false, reuse?: readonly string[]): void {
    if (this.#timer === null) return;
    const [columns, rows] = this.#size();
    const panel = reuse ?? this.#render(columns, rows);
    const panelText = panel.join('\n');
    if (!force && this.#queued.length === 0 && panelText === this.#lastPanel) return;
    const out =
      ansiEscapes.beginSynchronizedOutput +
      this.#erase(columns) +
      this.#takeQueued() +
      // Wrapping off around the panel: a line whose width is misjudged is cut, not wrapped onto
      // a row the next erase would not know about.
      WRAP_OFF +
      panelText +
      WRAP_ON +
      ansiEscapes.endSynchronizedOutput;
    this.#stream.write(out);
    this.#drawn = panel.map(widthOf);
    this.#lastPanel = panelText;
    this.#lastLines = panel;
    this.#frames += 1;
  }

  /** Erases the panel, writes the queued lines and gives the terminal back; idempotent. */
  stop(): void {
    if (this.#timer === null) return;
    clearInterval(this.#timer);
    this.#timer = null;
    this.#stream.off('resize', this.#onResize);
    this.#guard.leave(ansiEscapes.beginSynchronizedOutput + this.#erase() + this.#takeQueued());
  }

  /**
   * The terminal's size now, asked of the terminal (one ioctl): `stream.columns` changes only
   * when Node handles SIGWINCH, and a frame drawn between a resize and that signal erased the
   * old panel at the old width while the terminal had re-wrapped it at the new one, leaving its
   * top line behind (seen under load in the tmux test that narrows the terminal mid-run).
   */
  #size(): [columns: number, rows: number] {
    try {
      const [columns, rows] = this.#stream.getWindowSize();
      if (columns > 0 && rows > 0) return [columns, rows];
    } catch {
      // Not a terminal after all (a test's stream): what the stream says.
    }
    return [this.#stream.columns || 80, this.#stream.rows || 24];
  }

  #takeQueued(): string {
    const text = this.#queued.join('');
    this.#queued = [];
    this.#queuedBytes = 0;
    return text;
  }

  /**
   * Erase the panel's rows bottom-up, ending in the first column of its top row. A terminal
   * that got narrower re-wraps (reflows) the panel's lines, so each line counts the rows it
   * fills at the current width. Line by line rather than "erase to the end of the screen":
   * when the panel is all there is on screen, some terminals (tmux's scroll-on-clear) take a
   * whole-screen erase as a clear and push the old panel into the scrollback as debris.
   */
  #erase(columns = this.#size()[0]): string {
    if (this.#drawn.length === 0) return '';
    const width = Math.max(1, columns);
    let rows = 0;
    for (const lineWidth of this.#drawn) rows += Math.max(1, Math.ceil(lineWidth / width));
    this.#drawn = [];
    this.#lastPanel = '';
    return ansiEscapes.eraseLines(rows);
  }
}
