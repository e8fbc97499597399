// What a person reads about a job, worded once for the live console, the end-of-run report, the
// exports and the actors: why a job failed, why it was aborted, a command line quoted as a
// shell would take it, the bucket key of an error line, the command that replays a job. Pure
// text in, text out: no SQL, no terminal.
import path from 'node:path';
import type { FailureKind } from './codes.js';

/** What is known about a failure; the counts are there when the caller has them. */
export interface FailureFacts {
  readonly failure: FailureKind | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Message counts, when known, for the `*-count` failures. */
  readonly errors?: number;
  readonly warnings?: number;
  readonly criticals?: number;
  /** Seconds: the job's time limit, for `timeout` failures. */
  readonly timeout?: number | null;
  /** The limits the job was judged by, when known (null: unlimited). */
  readonly limits?: { readonly warning: number | null; readonly error: number | null; readonly critical: number | null };
  /** The fact behind a pattern or test-results failure (the matching line, the missing patterns, the failing tests). */
  readonly detail?: string | null;
}

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

const overLimit = (count: number | undefined, severity: string, limit: number | null | undefined): string => {
  const lines = count === undefined || count === 0 ? `${severity} lines` : plural(count, `${severity} line`);
  return limit === undefined || limit === null ? `${lines} over the limit` : `${lines} over the limit of ${limit}`;
};

/** Longest detail shown in a failure reason; the whole line is in the job's log. */
const DETAIL_CHARS = 300;
const cut = (text: string): string => (text.length > DETAIL_CHARS ? `${text.slice(0, DETAIL_CHARS)}…` : text);

/** Why a job failed, in a few words: `exit code 1`, `killed by SIGSEGV`, `2 ERROR lines over the limit`… */
export const describeFailure = (facts: FailureFacts): string => {
  switch (facts.failure) {
    case 'exit':
      return `exit code ${facts.exitCode ?? '?'}`;
    case 'signal':
      return `killed by ${facts.signal ?? 'a signal'}`;
    case 'timeout':
      return facts.timeout === undefined || facts.timeout === null ? 'timed out' : `timed out after ${formatLimit(facts.timeout)}`;
    case 'error-count':
      return overLimit(facts.errors, 'ERROR', facts.limits?.error);
    case 'warning-count':
      return overLimit(facts.warnings, 'WARNING', facts.limits?.warning);
    case 'critical-count':
      return overLimit(facts.criticals, 'CRITICAL', facts.limits?.critical);
    case 'fail-pattern':
      return facts.detail == null ? 'a fail pattern matched' : `fail pattern matched: ${cut(facts.detail)}`;
    case 'pass-pattern':
      return facts.detail == null ? 'a pass pattern never matched' : `pass pattern never matched: ${cut(facts.detail)}`;
    case 'test-results':
      return facts.detail == null ? 'its test results report a failure' : cut(facts.detail);
    case 'spawn':
      return 'could not start';
    case 'interrupted':
      return 'interrupted';
    case 'cut-off':
      return 'cut off: the runner stopped before the job ended';
    case 'child':
      return 'a child failed';
    case 'internal':
      return 'internal error in the runner';
    case 'lost':
      return 'lost: the cluster ended the job without its final report';
    case null:
      // A row written without a kind: say what the facts say.
      if (facts.signal !== null) return `killed by ${facts.signal}`;
      if (facts.exitCode !== null && facts.exitCode !== 0) return `exit code ${facts.exitCode}`;
      return 'failed';
  }
};

/** The kind a failure is filed under; a row without one is filed by its facts. */
export const failureKindOf = (facts: FailureFacts): FailureKind => {
  if (facts.failure !== null) return facts.failure;
  if (facts.signal !== null) return 'signal';
  if (facts.exitCode !== null && facts.exitCode !== 0) return 'exit';
  if ((facts.criticals ?? 0) > 0) return 'critical-count';
  if ((facts.errors ?? 0) > 0) return 'error-count';
  return 'exit';
};

/**
 * The headline of a failure group, as `gator report` and the hub show it: how many jobs failed
 * with the same first ERROR line (its signature), or, without one, why.
 */
export const failureGroupHeadline = (count: number, signature: string | null, reason: string): string =>
  signature === null ? `${plural(count, 'job')} failed: ${reason}, no ERROR line` : `${plural(count, 'job')} failed with \`${signature}\``;

/** What heads the failure groups: how many jobs failed, in how many groups. */
export const failureGroupsSummary = (jobs: number, groups: number): string => `${plural(jobs, 'job')} failed, ${plural(groups, 'distinct first error')}`;
/** The pass patterns a job's output never matched, as a failure detail. */
export const missingPassDetail = (patterns: readonly string[]): string => patterns.map((p) => `/${p}/`).join(', ');

/** What a job's cocotb results file said, or why it could not be read, as a failure detail. */
export type TestResultsFacts =
  | { readonly kind: 'failed'; readonly file: string; readonly total: number; readonly failed: readonly string[] }
  | { readonly kind: 'missing'; readonly file: string }
  | { readonly kind: 'stale'; readonly file: string }
  | { readonly kind: 'unreadable'; readonly file: string; readonly reason: string };

export const testResultsDetail = (facts: TestResultsFacts): string => {
  switch (facts.kind) {
    case 'failed':
      return `${facts.failed.length} of ${plural(facts.total, 'cocotb test')} failed (${facts.file}): ${facts.failed.join(', ')}`;
    case 'missing':
      return `no cocotb results file at ${facts.file} (cocotb writes it when the simulation ends; COCOTB_RESULTS_FILE names another)`;
    case 'stale':
      return `the cocotb results file ${facts.file} is older than this job: it was not written by it`;
    case 'unreadable':
      return `cannot read the cocotb results file ${facts.file}: ${facts.reason}`;
  }
};

/** A failing test case of a results file, as a line in the job's log. */
export const failedTestLine = (name: string, message: string | null): string => `cocotb test ${name} failed${message === null ? '' : `: ${message}`}`;

/** What the job API says in a job's log about a request it could not use. */
export const apiProblemLine = (problem: string): string => `job API: ${problem}`;
/** …and when it stops saying it. */
export const apiProblemsHidden = (hidden: number): string => `job API: ${plural(hidden, 'more problem')} not shown`;
/** The job's endpoint could not open: it runs without GATOR_PARENT. */
export const apiUnavailableLine = (reason: string): string => `job API unavailable, the job runs without GATOR_PARENT: ${reason}`;
/** Connections still open after the job ended, closed by the runner. */
export const apiLeftOpenLine = (open: number, seconds: number): string =>
  `job API: closed ${plural(open, 'connection')} still open ${seconds} s after the job ended`;

/** Why a node was aborted: the one sentence for the console, the report and the exports. */
export const ABORTED_REASON = 'a dependency did not go the required way';
/** The aborted line of a node that settles `jobs` leaf jobs; `reason` when it is not a dependency's. */
export const describeAborted = (kind: 'job' | 'group' | 'array', jobs: number, reason: string = ABORTED_REASON): string =>
  kind === 'job' || jobs <= 1 ? `aborted: ${reason}` : `aborted with its ${plural(jobs, 'job')}: ${reason}`;
/** What is said of a group's `jobs` leaf jobs that never started, aborted together for `reason`. */
export const notStartedLine = (jobs: number, reason: string): string => `${plural(jobs, 'job')} had not started: ${reason}`;
/** What a pruned node's runtime line says. */
export const prunedLine = (reason: string): string => `pruned: ${reason}`;
export const STOPPING_REASON = 'the run is stopping';

/** `2 s`, `1.5 s`, `30 min`, `2 h 5 min`: a time limit as messages give it. */
export const formatLimit = (seconds: number): string => {
  if (seconds < 60) return `${Number(seconds.toFixed(3))} s`;
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  return [h > 0 ? `${h} h` : '', m > 0 ? `${m} min` : '', s > 0 ? `${s} s` : ''].filter(Boolean).join(' ');
};

/** The runtime line of a job that ran past its `timeout`. */
export const timedOutLine = (limit: number, grace: number): string =>
  `reached its ${formatLimit(limit)} timeout: sent SIGTERM, SIGKILL in ${formatLimit(grace)}`;
/** The runtime line of a cluster job its scheduler stopped at its time limit (null: a limit it did not say). */
export const schedulerTimeLimitLine = (limit: number | null, grace: number): string =>
  `reached its ${limit === null ? '' : `${formatLimit(limit)} `}Slurm time limit: Slurm stopped it (SIGTERM, SIGKILL in ${formatLimit(grace)})`;
/** The runtime line of a cluster job its scheduler stopped for another reason (a cancel). */
export const schedulerStoppedLine = (why: string, grace: number): string => `stopped by Slurm (${why}): sent SIGTERM, SIGKILL in ${formatLimit(grace)}`;
/** What a job or group stopped by its group's `group_timeout` is told. */
export const groupTimedOut = (path: string, limit: number): string => `group '${path}' timed out after ${formatLimit(limit)} (its group_timeout)`;

/** Why jobs were not run after `--max-failures`. */
export const maxFailuresReason = (failures: number): string => `${plural(failures, 'job')} failed (--max-failures ${failures})`;

/** A pool jobs wait for, as people say it: `licence VCS`, `cores`, `a job slot (-j)`. */
export const describePool = (pool: string): string =>
  pool.startsWith('license:') ? `licence ${pool.slice('license:'.length)}` : pool === 'slots' ? 'a job slot (-j)' : pool;

/** `12 waiting: 8 for licence VCS, 4 for cores`. */
export const describeWaiting = (total: number, byPool: readonly (readonly [string, number])[]): string =>
  `${total} waiting${byPool.length === 0 ? '' : `: ${byPool.map(([pool, jobs]) => `${jobs} for ${describePool(pool)}`).join(', ')}`}`;

/** What the console says when `--max-failures` is reached. */
export const failFastLine = (failures: number, stop: boolean): string =>
  `${maxFailuresReason(failures)}: starting nothing more${stop ? ', stopping the jobs still running' : '; running jobs finish'}`;

/** A failed attempt that is run again. */
export const retryLine = (attempt: number, of: number, why: string, rule: string): string =>
  `attempt ${attempt} failed (${why}); retrying: attempt ${attempt + 1} of ${of} (retry_on: ${rule})`;

/** `1.5 GB`, `512 MB`: decimal units, as `!Memory` reads them. */
export const formatBytes = (bytes: number): string => {
  const units: [string, number][] = [
    ['TB', 1e12],
    ['GB', 1e9],
    ['MB', 1e6],
    ['KB', 1e3],
  ];
  for (const [unit, size] of units) if (bytes >= size) return `${Number((bytes / size).toFixed(2))} ${unit}`;
  return `${bytes} bytes`;
};

/** A job whose resident memory went above its `!Memory` request. */
export const overMemoryLine = (rss: string, requested: string): string => `uses ${rss} of memory, more than its !Memory request of ${requested}`;

const SHELL_SAFE = /^[\w@%+=:,./-]+$/;
/** One word as a POSIX shell would take it back: bare when safe, else single-quoted. */
export const shellQuote = (word: string): string => (SHELL_SAFE.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);

/** A command line as a person would type it, for display only: jobs never go through a shell. */
export const displayCommand = (command: string, args: readonly string[]): string => [command, ...args].map(shellQuote).join(' ');

/** `gator replay <db> --job <path>`, with the database path relative to `cwd` when that is shorter. */
export const replayCommand = (dbPath: string, jobPath: string, cwd: string = process.cwd()): string =>
  `gator replay ${shellQuote(shownPath(dbPath, cwd))} --job ${shellQuote(jobPath)}`;

/** A file as a person here would name it: relative to `cwd` when it is under it, else as given. */
export const shownPath = (file: string, cwd: string = process.cwd()): string => {
  const relative = path.relative(cwd, file);
  return relative !== '' && !relative.startsWith('..') && relative.length < file.length ? relative : file;
};

/**
 * Why a run database written by another gator cannot be read, in one sentence: the file, the
 * version it was written with and the one this gator reads. `missing`: the public views an
 * older database of this same version lacks (written before they were added).
 */
export const runDatabaseVersionLine = (file: string, written: number, reads: number, missing: readonly string[] = []): string => {
  if (written > reads)
    return `${file} was written by a newer gator (run database version ${written}; this gator reads version ${reads}): open it with that gator`;
  const without = missing.length === 0 ? '' : ` without the ${missing.length === 1 ? 'view' : 'views'} ${missing.join(', ')}`;
  const withThem = missing.length === 0 ? '' : ` with ${missing.length === 1 ? 'it' : 'them'}`;
  return `${file} was written by an older gator (run database version ${written}${without}; this gator reads version ${reads}${withThem}): open it with the gator that wrote it`;
};

/**
 * The bucket key of an error line: hex (0x…, or 8+ hex digits with a digit in them) becomes
 * `<hex>`, every number `<n>`, runs of spaces one space, so `seed 17 at 0x7f3a` and `seed 4 at
 * 0x1b00` share a bucket.
 */
export const errorSignature = (line: string): string =>
  line
    .trim()
    .replace(/0x[0-9a-f]+/gi, '<hex>')
    .replace(/\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi, '<hex>')
    .replace(/\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi, '<n>')
    .replace(/\s+/g, ' ');

/** A job's note when processes it left behind held its output open after it ended. */
export const outputCutLine = (drainSeconds: number): string =>
  `output may have been cut: after the job's own process ended, processes it left behind (a daemon?) kept its output open for more than ${drainSeconds} s, so the runner stopped reading it`;

/** A job's note when the second Ctrl+C ended it without waiting for its output. */
export const FORCED_CUT_LINE = 'output may have been cut: the job was killed and ended without waiting for the rest of its output';

/** Said once per run when jobs wait because the runner ran short of a resource. */
export const shortageNotice = (code: string): string =>
  `the runner ran short of ${code === 'EMFILE' || code === 'ENFILE' ? 'open files' : code === 'EAGAIN' ? 'processes' : 'memory'} (${code}) starting jobs; they wait and start as others end, none fails for it`;

/** Said once, before a run, when `-j` is more than the open-file limit lets the runner start at once. */
export const fileBudgetNotice = (wanted: number, allowed: number, soft: number): string =>
  `-j ${wanted} is more jobs than the open-file limit (${soft}) lets the runner watch at once: running at most ${allowed} at a time (raise the limit with ulimit -n)`;
