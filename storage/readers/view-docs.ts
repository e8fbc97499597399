// What each public view and column means: printed by `gator query --schema`, and kept in step
// with docs/database.md by a test that checks every column of every view is described here.
import type Database from 'better-sqlite3';
import { PUBLIC_VIEWS } from '../schema.js';

export type ViewName = (typeof PUBLIC_VIEWS)[number];

export interface ViewDoc {
  readonly about: string;
  readonly columns: Readonly<Record<string, string>>;
}

export const VIEW_DOCS: Readonly<Record<ViewName, ViewDoc>> = {
  jobs: {
    about: 'one row per node of the job tree (jobs, groups and arrays), ids in spec order, parents first',
    columns: {
      id: 'node id (pre-order: the root is 0)',
      parent_id: 'id of the enclosing group or array; NULL for the root',
      path: 'dotted path from the root ident, e.g. top.sims.sim_3',
      ident: "the node's name in its parent; array instances are X_0 … X_{n-1}",
      kind: 'job, group or array',
      array_index: "innermost enclosing array's index (GATOR_ARRAY_INDEX); NULL outside arrays",
      state: 'pending, launched, running or complete (a cut-off run leaves launched/running behind)',
      result: 'unknown, success, failure or aborted (skipped because a dependency went the wrong way)',
      exit_code: "the job's exit code; NULL when it did not exit by itself",
      started_at: 'unix seconds (REAL) when the job started',
      ended_at: 'unix seconds (REAL) when it ended',
      command: 'the expanded command line, for display (jobs are run without a shell)',
      cwd: 'working directory',
      msg_debug: 'number of DEBUG messages',
      msg_info: 'number of INFO messages (stdout lines by default)',
      msg_warning: 'number of WARNING messages',
      msg_error: 'number of ERROR messages (stderr lines by default)',
      msg_critical: 'number of CRITICAL messages',
      cpu_peak: "peak CPU of the job's process tree, percent of one core",
      rss_peak: "peak resident memory of the job's process tree, bytes",
      failure:
        'why it failed: exit, signal, timeout, error-count, warning-count, critical-count, spawn, interrupted, cut-off, child, internal (the runner lost track of it: a thread or the spawn server died) or lost (a cluster ended the job without its final report: cancelled, out of time or memory, node failure)',
      signal: 'the signal that ended the job, e.g. SIGKILL',
      array_indices: "JSON array of every enclosing array's index, outermost first (GATOR_ARRAY_INDICES)",
      pid: 'process id of the job',
      argv: 'JSON array: the command then its arguments, as executed',
      env: 'JSON object: what the spec adds to the OS environment (GATOR_* included)',
      rerun_of: 'in a rerun: the id of the node this job repeats in the earlier run',
      seed: "the job's seed (GATOR_SEED): derived from run.seed and the path, or pinned with seed:",
      params: 'JSON object: the values of the enclosing parameterised arrays (parameters:); NULL when none',
      timeout: "seconds: a job's timeout, or a group's group_timeout, after --timeout-multiplier; NULL when none",
      retries: 'retries allowed after a failed attempt (retries:)',
      retry_on: 'JSON array: the failures that are retried (retry_on:), e.g. ["signal","timeout"]',
      mkdir: '1 when the working directory is created before the job starts (mkdir: true)',
      attempt: "the attempt the job's result comes from: 1 unless it was retried",
      flaky: '1 when the job passed only after a retry, else 0',
      cores: 'cores the job holds while it runs: 1 unless it asks for more with !Cores',
      memory: 'bytes of memory it asked for with !Memory; NULL when none',
      licenses: 'JSON object: licences it holds while it runs (!License), name to count',
      queued_at: 'unix seconds when it was ready to run and began waiting for its resources',
      launched_at: 'unix seconds when it was given them and launched',
      waited_for: 'the pool that last held it back: slots, cores, memory or license:NAME; NULL when it never waited',
      seed_template:
        'JSON: where the seed appears in argv (by index), env (by name) and cwd, as the pieces around it, so gator rerun --new-seeds can put in another; NULL when only in GATOR_SEED',
      failure_detail: 'the fact behind the failure: the line that matched a fail pattern, the pass patterns never matched, the failing tests of a results file',
      limit_warning: "the job fails with more WARNING messages than this; NULL: unlimited (its spec's limits, else --limit-warning)",
      limit_error: "the job fails with more ERROR messages than this; NULL: unlimited (its spec's limits, else --limit-error)",
      limit_critical: "the job fails with more CRITICAL messages than this; NULL: unlimited (its spec's limits, else --limit-critical)",
      stderr_severity: 'the severity its stderr lines get when no parser or pattern classifies them (ERROR unless its spec says stderr:)',
      rules: 'JSON: the parsers, patterns, stderr severity and limits its spec gave it (inherited down the tree); NULL: none',
    },
  },
  messages: {
    about: 'one row per line a job printed or reported, and per runner note about a job',
    columns: {
      id: 'message id, increasing in the order the runner stored them',
      job_id: "the job's id in jobs",
      job_path: "the job's dotted path",
      ts: 'unix seconds (REAL) when the line was read',
      severity: 'DEBUG, INFO, WARNING, ERROR or CRITICAL',
      stream: 'stdout, stderr, api (reported by the job itself) or runtime (the runner)',
      text: 'the line, without its newline',
      attempt: 'the attempt of the job the line belongs to: 1 unless the job was retried',
      raw: "the line's exact bytes (BLOB) when they are not valid UTF-8 (text then shows U+FFFD for the bad bytes); else NULL",
    },
  },
  attempts: {
    about: 'one row per attempt of each started job: earlier attempts of a retried job, then the one its result comes from',
    columns: {
      job_id: "the job's id in jobs",
      job_path: "the job's dotted path",
      attempt: '1, 2, …',
      started_at: 'unix seconds (REAL) when the attempt started',
      ended_at: 'unix seconds when it ended',
      result: 'success or failure (unknown while it runs)',
      failure: 'why it failed, as in jobs.failure',
      exit_code: 'its exit code; NULL when it did not exit by itself',
      signal: 'the signal that ended it',
      pid: 'process id of the attempt',
      msg_warning: 'its WARNING messages',
      msg_error: 'its ERROR messages',
      msg_critical: 'its CRITICAL messages',
      final: "1 for the attempt the job's result comes from, 0 for earlier ones",
    },
  },
  samples: {
    about: "resource samples of each running job's process tree",
    columns: {
      job_id: "the job's id in jobs",
      job_path: "the job's dotted path",
      ts: 'unix seconds (REAL) of the sample',
      nproc: "processes in the job's tree",
      cpu_percent: 'CPU of the tree, percent of one core',
      rss_bytes: 'resident memory of the tree, bytes',
    },
  },
  metrics: {
    about: 'named numbers a job reported about itself or a parser read from its output: one row per job and name',
    columns: {
      job_id: "the job's id in jobs",
      job_path: "the job's dotted path",
      name: 'metric name',
      value: 'the last value reported (what the roll-up uses, as Gator does)',
      count: 'how many values were reported under this name',
      sum: 'the sum of every value reported',
      min: 'the smallest value reported',
      max: 'the largest value reported',
      mean: 'sum / count',
      ts: 'unix seconds (REAL) of the last report',
    },
  },
  metric_values: {
    about: 'every metric value as it was reported, in order',
    columns: {
      id: 'increasing in the order values were stored',
      job_id: "the job's id in jobs",
      job_path: "the job's dotted path",
      ts: 'unix seconds (REAL) when it was reported',
      name: 'metric name',
      value: 'the value (REAL)',
      source:
        'api (the job reported it: websocket, HTTP or gator metric), stdout or stderr (a parser read it from a line), runtime (the runner, e.g. cocotb results)',
    },
  },
  metric_rollup: {
    about: 'metrics rolled up the tree: per group, array and the whole run, and per name, over the last value of each job below',
    columns: {
      scope: 'group, array, or run (one row per name for the whole run)',
      node_id: "the group's or array's id in jobs; NULL for the run",
      path: "the group's or array's dotted path; NULL for the run",
      name: 'metric name',
      count: 'how many jobs below reported it',
      sum: 'sum of their values',
      min: 'smallest of their values',
      max: 'largest of their values',
      mean: 'sum / count',
    },
  },
  run: {
    about: 'one row describing the run',
    columns: {
      id: 'run id (a UUID)',
      spec_path: 'absolute path of the YAML spec',
      started_at: 'unix seconds (REAL) when the run started',
      ended_at: 'unix seconds when it ended; NULL while running or when the runner was killed',
      result: 'unknown (running or cut-off), success, failure or interrupted',
      exit_code: "the runner's exit code (0 all passed, 1 something failed, 3 the runner itself failed, 130 interrupted); NULL until it ends",
      host: 'host name the runner ran on',
      argv: 'JSON array: the gator command line',
      rerun_of: 'for a rerun: the id of the run whose jobs it repeats',
      pid: 'process id of the runner',
      heartbeat_at: "unix seconds of the runner's last heartbeat (every 2 s while it runs)",
      seed: "the run seed every job's seed derives from (--seed)",
      pools: 'JSON: what local jobs were admitted within: slots (-j), cores, memoryBytes, licenses (null: licences not counted)',
    },
  },
  cluster_jobs: {
    about: 'one row per job that ran on a cluster (gator run --scheduler slurm): where it ran',
    columns: {
      job_id: "the job's id in jobs",
      job_path: "the job's dotted path",
      cluster_id: "the scheduler's id of the job, as its tools print it (Slurm: 1234 or 1234_7 for an array task)",
      host: 'the compute node it ran on; NULL until it started',
    },
  },
};

export interface ViewDescription {
  readonly name: ViewName;
  readonly about: string;
  readonly columns: readonly { readonly name: string; readonly about: string }[];
}

/** The public views as this database has them, with what each column means. */
export function describeViews(db: Database.Database): ViewDescription[] {
  return PUBLIC_VIEWS.map((name) => {
    const doc = VIEW_DOCS[name];
    const columns = (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(name) as string[]).map((column) => ({
      name: column,
      about: doc.columns[column] ?? '',
    }));
    return { name, about: doc.about, columns };
  });
}
