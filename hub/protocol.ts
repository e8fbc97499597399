// What the hub's server sends the browser: the JSON of every API route and Server-Sent Event,
// as types shared by both sides (the browser imports them as types only).

export type RunStatus = 'running' | 'cut-off' | 'done';
export type Category = 'pending' | 'running' | 'passed' | 'failed' | 'aborted' | 'cutOff' | 'unknown';
export type Counts = Record<Category, number> & { total: number };
export type SeverityName = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';
export type StreamName = 'stdout' | 'stderr' | 'api' | 'runtime';

/** A run as the runs screen lists it. */
export interface RunSummary {
  /** Its directory's name under the hub's DIR: the run's name in every URL. */
  readonly name: string;
  readonly id: string;
  readonly spec: string;
  readonly host: string;
  readonly startedAt: number;
  readonly endedAt: number | null;
  /** Seconds, to the end, to now while running, to the last heartbeat when cut off. */
  readonly duration: number;
  readonly status: RunStatus;
  /** `success`, `failure`, `interrupted` once done; `running` or `cut off` before. */
  readonly result: string;
  readonly exitCode: number | null;
  readonly counts: Counts;
  readonly rerunOf: string | null;
  readonly latest: boolean;
}

/** A run under DIR that cannot be shown (an older gator's database, a damaged file), and why, in one sentence. */
export interface UnreadableRun {
  readonly name: string;
  readonly reason: string;
}

export interface RunDetail extends RunSummary {
  readonly argv: readonly string[];
  readonly pid: number | null;
  readonly heartbeatAt: number | null;
  readonly database: string;
  readonly hasSamples: boolean;
  readonly hasMetrics: boolean;
}

export type ShownState = 'pending' | 'launched' | 'running' | 'complete' | 'cut-off';
export type ShownResult = 'unknown' | 'success' | 'failure' | 'aborted' | 'cut-off';

/** A node as a tree row shows it. */
export interface TreeNode {
  readonly id: number;
  readonly parentId: number | null;
  readonly path: string;
  readonly ident: string;
  readonly kind: 'job' | 'group' | 'array';
  readonly state: ShownState;
  readonly result: ShownResult;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly exitCode: number | null;
  readonly reason: string | null;
  readonly errors: number;
  readonly warnings: number;
  readonly childCount: number;
  /** Leaf counts below a group or array; null for a job. */
  readonly counts: Counts | null;
}

export interface ChildrenPage {
  readonly parent: number | null;
  readonly offset: number;
  /** All children of the parent, of which `nodes` is the window asked for. */
  readonly total: number;
  readonly nodes: readonly TreeNode[];
}

export interface FailureGroup {
  /** The first ERROR line with numbers and hex normalised, as `gator report` prints it. */
  readonly signature: string;
  /** The group's headline, in `gator report`'s words. */
  readonly headline: string;
  readonly count: number;
  readonly jobs: readonly { readonly path: string; readonly id: number | null }[];
  readonly example: {
    readonly path: string;
    readonly jobId: number;
    readonly reason: string;
    readonly firstError: string | null;
    readonly lastLines: readonly { readonly ts: number; readonly severity: string; readonly text: string }[];
  };
  /** The command that prints the example job's whole log, as `gator report` shows it. */
  readonly replay: string;
  /**
   * The shell line that runs the example job again outside gator, as `gator repro` prints it and
   * `gator report` shows it; null when the run database does not record what the job ran.
   */
  readonly repro: string | null;
}

export interface Failures {
  readonly jobs: number;
  /** What heads the groups, in `gator report`'s words. */
  readonly summary: string;
  readonly groups: readonly FailureGroup[];
}

export interface TimelineData {
  readonly startedAt: number;
  readonly now: number;
  readonly ids: readonly number[];
  readonly start: readonly number[];
  readonly end: readonly (number | null)[];
  readonly category: readonly Category[];
}

export interface Series {
  readonly ts: readonly number[];
  readonly cpuPercent: readonly number[];
  readonly rssBytes: readonly number[];
  readonly nproc: readonly number[];
  readonly jobs?: readonly number[];
}

export interface MetricRollup {
  readonly name: string;
  readonly jobs: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

export interface JobDetail {
  readonly run: string;
  readonly id: number;
  readonly parentId: number | null;
  readonly path: string;
  readonly ident: string;
  readonly kind: 'job' | 'group' | 'array';
  readonly state: ShownState;
  readonly result: ShownResult;
  readonly reason: string | null;
  readonly failure: string | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly pid: number | null;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  /** Seconds it ran (so far). */
  readonly duration: number | null;
  readonly command: string | null;
  readonly argv: readonly string[] | null;
  readonly env: Readonly<Record<string, string>> | null;
  readonly cwd: string | null;
  readonly arrayIndices: readonly number[] | null;
  readonly messages: Readonly<Record<SeverityName, number>>;
  readonly cpuPeak: number | null;
  readonly rssPeak: number | null;
  readonly metrics: readonly { readonly name: string; readonly value: number }[];
  /** Ancestors, root first, for the breadcrumb. */
  readonly ancestors: readonly { readonly id: number; readonly ident: string }[];
  /** The id a follower continues after: the job's last line, or the run's when it has none. */
  readonly cursor: number;
  readonly runStatus: RunStatus;
  /** The command that prints this job's whole log in a terminal. */
  readonly replay: string;
}

export interface LogLine {
  /** 1-based line number in the job's whole log: stable, so links to it stay good. */
  readonly n: number;
  readonly id: number;
  readonly ts: number;
  readonly severity: SeverityName;
  readonly stream: StreamName;
  readonly text: string;
}

export interface LinesPage {
  /** Lines that pass the filter. */
  readonly total: number;
  /** Lines in the whole log. */
  readonly all: number;
  readonly offset: number;
  readonly lines: readonly LogLine[];
}

export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number | null)[])[];
  /** More rows exist than were sent. */
  readonly truncated: boolean;
  readonly elapsedMs: number;
}

export interface HistoryData {
  readonly spec: string;
  readonly runs: readonly { readonly name: string; readonly id: string; readonly startedAt: number; readonly status: RunStatus; readonly result: string }[];
  readonly total: number;
  readonly flaky: number;
  readonly rows: readonly { readonly path: string; readonly cells: string; readonly flaky: boolean; readonly failures: number }[];
}

export interface ViewDoc {
  readonly name: string;
  readonly about: string;
  readonly columns: readonly { readonly name: string; readonly about: string }[];
}

export interface ApiError {
  readonly error: string;
}

/** Server-Sent Events, by event name. */
export interface StreamEvents {
  /** Every run, at connect and whenever the set of runs changes. */
  runs: readonly RunSummary[];
  /** One run's summary changed (counts, status, result). */
  run: RunSummary;
  /** The runs that cannot be read, at connect and whenever that list changes. */
  unreadable: readonly UnreadableRun[];
  /** Nodes of the watched run changed: new rows for leaves, new counts for groups. */
  nodes: { readonly run: string; readonly nodes: readonly TreeNode[]; readonly reset: boolean };
  /** The watched job's row changed. */
  job: JobDetail;
  /**
   * New lines of the watched job that pass the tab's filter, in order; `total` is how many pass
   * it now, `all` the lines of the whole log. `more`: too many to send, the tab re-reads the end.
   */
  lines: { readonly lines: readonly LogLine[]; readonly all: number; readonly total: number; readonly more: boolean };
  /** New samples of the watched job. */
  samples: Series;
}
