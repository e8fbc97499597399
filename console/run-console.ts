// The console of a run: turns the run's events into log lines (what shows depends on
// --all-msg / -v / --quiet), and shows progress: with --progress on a capable terminal the
// live panel; without a terminal (or a terminal that cannot draw it) a status line every
// --status-interval seconds.
import type { JobStarted, LiveMessage, NodeEnded, RunEnded, RunObserver } from '../actors/events.js';
import { failFastLine } from '../vocabulary/wording.js';
import { canDrawLive, decideColor, type Env } from './color.js';
import { formatEventLine, formatMessageLine } from './line-format.js';
import type { LiveView } from './live-view.js';
import { describeEnd } from './outcome.js';
import { ProgressModel } from './progress-model.js';
import { StatusTicker } from './status-ticker.js';
import { reportFollows, tallyLines } from './tally.js';
import { plural } from '../vocabulary/wording.js';

export interface ConsoleOptions {
  /** Where people read: stdout normally, stderr when --json puts the machine result on stdout. */
  readonly stream: NodeJS.WriteStream;
  /** --progress */
  readonly progress: boolean;
  /** --color / --no-color; undefined decides by NO_COLOR, FORCE_COLOR, the terminal and TERM. */
  readonly color: boolean | undefined;
  readonly verbose: boolean;
  readonly quiet: boolean;
  readonly allMessages: boolean;
  /** Seconds between status lines without a terminal (or with --progress where no panel can be drawn); 0: none. */
  readonly statusInterval: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Panel frames per second (default 8). */
  readonly fps?: number;
  /** The caller prints the end-of-run report after the tally (`gator run`), which names the database last. */
  readonly reportFollows?: boolean;
  /** Unix seconds now; tests and the fixture driver substitute a clock. */
  readonly now?: () => number;
}

export interface RunConsole {
  readonly observer: RunObserver;
  /** Erases the panel, stops the timers, restores the terminal; idempotent. */
  close(): void;
}

/** Where lines go: straight to the stream, or queued above the live panel. */
interface Sink {
  line(text: string): void;
  close(): void;
}

/** Commands can be whole `sh -c` scripts; the database keeps them whole, the log a glimpse. */
const COMMAND_SHOWN = 160;
const shortCommand = (command: string): string => (command.length <= COMMAND_SHOWN ? command : `${command.slice(0, COMMAND_SHOWN - 1)}…`);

/** Lines of one turn leave in one write: a pipe write is a synchronous system call. */
const plainSink = (stream: NodeJS.WriteStream): Sink => {
  let pending = '';
  let scheduled: NodeJS.Immediate | null = null;
  const flush = (): void => {
    scheduled = null;
    if (pending === '') return;
    const text = pending;
    pending = '';
    stream.write(text);
  };
  return {
    line: (text) => {
      pending += `${text}\n`;
      if (pending.length >= 64 * 1024) flush();
      else scheduled ??= setImmediate(flush);
    },
    close: () => {
      if (scheduled !== null) clearImmediate(scheduled);
      flush();
    },
  };
};

const liveSink = (view: LiveView): Sink => ({
  line: (text) => view.line(text),
  close: () => view.stop(),
});

class RunConsoleImpl implements RunConsole {
  readonly #options: ConsoleOptions;
  readonly #color: boolean;
  readonly #now: () => number;
  readonly #model = new ProgressModel();
  readonly #sink: Sink;
  readonly #ticker: StatusTicker | null;
  readonly #view: LiveView | null;
  #startedAt: number | null = null;
  #closed = false;
  readonly observer: RunObserver;

  constructor(options: ConsoleOptions, live: LiveModules | null) {
    this.#options = options;
    this.#color = decideColor({ flag: options.color, env: options.env, isTTY: options.stream.isTTY === true });
    this.#now = options.now ?? ((): number => Date.now() / 1000);
    if (live !== null) {
      const { LiveView, PANEL_LIMITS, renderPanel } = live;
      const view = new LiveView({
        stream: options.stream,
        fps: options.fps,
        render: (width, height) => renderPanel(this.#model.snapshot(this.#now(), PANEL_LIMITS), { width, height, color: this.#color }),
      });
      // Started by the run's first event, so no empty "of 0" panel shows before the run is known.
      this.#view = view;
      this.#sink = liveSink(view);
    } else {
      this.#view = null;
      this.#sink = plainSink(options.stream);
    }
    // Without the live panel, a status line every --status-interval seconds (0: never) where
    // nobody watches a terminal, or with --progress on a terminal that cannot draw the panel:
    // a CI log must not stay silent while jobs run.
    const periodic = options.statusInterval > 0 && live === null && (options.progress || options.stream.isTTY !== true);
    this.#ticker = periodic ? new StatusTicker(this.#model, (text, now) => this.#event(now, 'STATUS', 'run', text), options.statusInterval, this.#now) : null;
    this.#ticker?.start();
    this.observer = {
      runStarted: (info) => this.#runStarted(info),
      message: (message) => this.#message(message),
      jobStarted: (job) => this.#jobStarted(job),
      nodeEnded: (node) => this.#nodeEnded(node),
      stopping: (info) => this.#stopping(info),
      waiting: (waiting) => this.#model.waiting(waiting),
      failFast: (info) => this.#event(this.#now(), 'STOP', 'gator', failFastLine(info.failures, info.stop)),
      debug: (text) => this.#debug(text),
      problem: (text) => this.#problem(text),
      notice: (text) => this.#notice(text),
      runEnded: (end) => this.#runEnded(end),
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ticker?.stop();
    this.#sink.close();
  }

  #event(ts: number, tag: Parameters<typeof formatEventLine>[0]['tag'], path: string, text: string): void {
    this.#sink.line(formatEventLine({ ts, tag, path, text }, { color: this.#color }));
  }

  /** Puts the panel up, unless the run is over. */
  #live(): void {
    if (!this.#closed && this.#view !== null && !this.#view.running) this.#view.start();
  }

  #runStarted(info: { readonly ts: number; readonly jobCount: number; readonly dbPath: string }): void {
    this.#startedAt = info.ts;
    this.#model.runStarted(info);
    this.#live();
    if (!this.#options.quiet) this.#event(info.ts, 'RUN', 'gator', `running ${plural(info.jobCount, 'job')}`);
  }

  #message(message: LiveMessage): void {
    this.#model.message(message);
    if (this.#options.quiet) return;
    this.#sink.line(formatMessageLine(message, { color: this.#color }));
  }

  #jobStarted(job: JobStarted): void {
    this.#model.jobStarted(job);
    this.#live();
    if (!this.#options.quiet)
      this.#event(job.ts, 'START', job.path, `started (pid ${job.pid}${job.host === undefined ? '' : ` on ${job.host}`}): ${shortCommand(job.command)}`);
  }

  #nodeEnded(node: NodeEnded): void {
    const errorLines = this.#model.errorLines(node.id);
    this.#model.nodeEnded(node);
    const text = describeEnd(node, errorLines);
    const failed = node.result === 'failure';
    // Group and array ends repeat what their jobs said; only -v shows them, except a pruned
    // subtree, whose jobs say nothing themselves.
    const shown = node.kind === 'job' || this.#options.verbose || (node.result === 'aborted' && node.jobs > 0);
    if (shown && (failed || !this.#options.quiet)) {
      const tag = failed ? 'FAIL' : node.result === 'success' ? 'PASS' : node.result === 'aborted' ? 'ABORT' : 'STOP';
      this.#event(node.ts, tag, node.path, text);
    }
    // With --progress, a failure also brings the status up to date at once.
    if (failed && node.kind === 'job' && this.#options.progress) this.#ticker?.tick();
  }

  #stopping(info: { readonly force: boolean; readonly graceSeconds: number }): void {
    const text = info.force ? 'stopping now: killing every job' : `stopping: jobs get ${info.graceSeconds}s to finish; Ctrl+C again to kill them now`;
    this.#event(this.#now(), 'STOP', 'gator', text);
  }

  #problem(text: string): void {
    this.#sink.line(formatMessageLine({ ts: this.#now(), severity: 'ERROR', path: 'gator', text }, { color: this.#color }));
  }

  #notice(text: string): void {
    this.#sink.line(formatMessageLine({ ts: this.#now(), severity: 'WARNING', path: 'gator', text }, { color: this.#color }));
  }

  #debug(text: string): void {
    if (!this.#options.verbose) return;
    this.#sink.line(formatMessageLine({ ts: this.#now(), severity: 'DEBUG', path: 'gator', text }, { color: this.#color }));
  }

  #runEnded(end: RunEnded): void {
    this.#ticker?.stop();
    const report = this.#options.reportFollows === true && reportFollows(end, this.#options.quiet);
    for (const line of tallyLines(end, this.#startedAt, this.#color, report)) this.#sink.line(line);
    // The panel goes now, so whatever the caller prints next (the report) lands on a clean screen.
    this.close();
  }
}

/** What only the live panel needs; loaded only for it, since start-up is part of every run. */
type LiveModules = typeof import('./live-view.js') & typeof import('./panel.js');

export const createRunConsole = async (options: ConsoleOptions): Promise<RunConsole> => {
  const env: Env = options.env;
  const live = options.progress && canDrawLive(options.stream.isTTY === true, env);
  const modules: LiveModules | null = live ? { ...(await import('./live-view.js')), ...(await import('./panel.js')) } : null;
  return new RunConsoleImpl(options, modules);
};
