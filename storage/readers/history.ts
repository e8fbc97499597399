// Per-job history across the runs of one spec: each job path's result in every run, oldest
// run first, and a flakiness mark for a path that both passed and failed with the same inputs
// (the same argv, env overlay with its seed, and cwd), or that passed only after a retry, as
// Allure marks a test that is unstable.
import type { ResultName, StateName } from '../../vocabulary/codes.js';
import { categoryOf, type Category } from './node-states.js';
import { runStatus, type LivenessProbe, type RunStatus, systemProbe } from './liveness.js';
import { openRunDatabase } from './open-run.js';
import { readRun } from './run-info.js';

export interface HistoryRun {
  readonly name: string;
  readonly id: string;
  readonly startedAt: number;
  readonly status: RunStatus;
  readonly result: string;
}

/** One letter per run, oldest first; see HISTORY_LETTERS. */
export interface HistoryRow {
  readonly path: string;
  readonly cells: string;
  /** Passed and failed with the same inputs. */
  readonly flaky: boolean;
  readonly failures: number;
}

export interface History {
  readonly runs: readonly HistoryRun[];
  readonly rows: readonly HistoryRow[];
  /** Runs that could not be read, with why. */
  readonly unreadable: readonly { name: string; error: string }[];
}

/** The letter of each category in a history row; `-` means the job is not in that run. */
export const HISTORY_LETTERS: Readonly<Record<Category, string>> = {
  passed: 'P',
  failed: 'F',
  aborted: 'A',
  cutOff: 'C',
  running: 'R',
  pending: '.',
  unknown: '?',
};

interface JobInputs {
  readonly path: string;
  readonly state: StateName;
  readonly result: ResultName;
  readonly inputs: string;
  /** 1 when it passed only after a retry. */
  readonly retried: number;
}

export function readHistory(sources: readonly { name: string; dbPath: string }[], probe: LivenessProbe = systemProbe): History {
  const runs: { run: HistoryRun; jobs: JobInputs[] }[] = [];
  const unreadable: { name: string; error: string }[] = [];
  for (const source of sources) {
    try {
      const db = openRunDatabase(source.dbPath);
      try {
        const row = readRun(db, source.dbPath);
        const status = runStatus(row, probe);
        // A job that passed only after a retry is flaky within one run (older runs lack the column).
        const retried = (db.prepare("SELECT count(*) FROM pragma_table_info('jobs') WHERE name = 'flaky'").pluck().get() as number) > 0;
        const jobs = db
          .prepare(
            `SELECT path, state, result, coalesce(argv, '') || char(0) || coalesce(env, '') || char(0) || coalesce(cwd, '') AS inputs,
                    ${retried ? 'coalesce(flaky, 0)' : '0'} AS retried
             FROM jobs WHERE kind = 'job'`,
          )
          .all() as JobInputs[];
        runs.push({ run: { name: source.name, id: row.id, startedAt: row.startedAt, status, result: row.result }, jobs });
      } finally {
        db.close();
      }
    } catch (error) {
      unreadable.push({ name: source.name, error: error instanceof Error ? error.message : String(error) });
    }
  }
  runs.sort((a, b) => a.run.startedAt - b.run.startedAt);
  const byPath = new Map<string, { cells: string[]; passedInputs: Set<string>; failedInputs: Set<string>; failures: number; retried: boolean }>();
  runs.forEach(({ run, jobs }, index) => {
    for (const job of jobs) {
      let entry = byPath.get(job.path);
      if (entry === undefined) {
        entry = { cells: new Array<string>(runs.length).fill('-'), passedInputs: new Set(), failedInputs: new Set(), failures: 0, retried: false };
        byPath.set(job.path, entry);
      }
      const category = categoryOf(job, run.status);
      entry.cells[index] = HISTORY_LETTERS[category];
      if (category === 'passed') entry.passedInputs.add(job.inputs);
      if (job.retried === 1) entry.retried = true;
      if (category === 'failed') {
        entry.failedInputs.add(job.inputs);
        entry.failures++;
      }
    }
  });
  const rows: HistoryRow[] = [];
  for (const [path, entry] of byPath) {
    let flaky = entry.retried;
    for (const inputs of entry.failedInputs) if (entry.passedInputs.has(inputs)) flaky = true;
    rows.push({ path, cells: entry.cells.join(''), flaky, failures: entry.failures });
  }
  // What needs attention first: flaky paths, then those that failed most, then the rest by path.
  rows.sort((a, b) => Number(b.flaky) - Number(a.flaky) || b.failures - a.failures || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { runs: runs.map((entry) => entry.run), rows, unreadable };
}
