// The runner under test as a Variant: `node bin/gator.js run SPEC --tracking DIR --quiet`,
// checked against its own run database, whose directory is deleted after each run.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { NodeKind, Result, Stream } from '../../vocabulary/codes.js';
import { logTail } from './measure.js';
import { GATOR_BIN, shellQuote, shown } from './paths.js';
import type { Check, Measurement, Variant } from './types.js';

export interface Expectation {
  /** Jobs (leaves) that must have passed. */
  readonly passedJobs: number;
  /** stdout lines that must be in the message table (0: not checked). */
  readonly stdoutLines: number;
}

export const writeSpec = (path: string, yaml: string): string => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, yaml);
  return path;
};

const counted = (database: string): { passed: number; lines: number } => {
  const db = new Database(database, { readonly: true, fileMustExist: true });
  try {
    const count = (sql: string): number => {
      const row: unknown = db.prepare(sql).pluck().get();
      return typeof row === 'number' ? row : Number.NaN;
    };
    return {
      passed: count(`SELECT count(*) FROM node WHERE kind = ${NodeKind.job} AND result = ${Result.success}`),
      lines: count(`SELECT count(*) FROM message WHERE stream = ${Stream.stdout}`),
    };
  } finally {
    db.close();
  }
};

const verify = (measurement: Measurement, database: string, expected: Expectation): Check => {
  if (measurement.exitCode !== 0) {
    return { ok: false, note: measurement.timedOut ? 'timed out' : `exit ${String(measurement.exitCode)}: ${logTail(measurement.log)}` };
  }
  if (!existsSync(database)) return { ok: false, note: `no run database at ${shown(database)}` };
  const { passed, lines } = counted(database);
  if (passed !== expected.passedJobs) return { ok: false, note: `${passed} jobs passed, expected ${expected.passedJobs}` };
  if (expected.stdoutLines > 0 && lines !== expected.stdoutLines) {
    return { ok: false, note: `${lines} stdout lines in the run database, expected ${expected.stdoutLines}` };
  }
  return { ok: true };
};

export const gatorRun = (options: {
  readonly spec: string;
  readonly tracking: string;
  /** Passed as `-j` only when set; otherwise the runner's default (os.availableParallelism()). */
  readonly jobs: number | null;
  readonly expect: Expectation;
  /** A second runner variant of the same case: its key, label and extra arguments. */
  readonly key?: string;
  readonly label?: string;
  readonly extraArgs?: readonly string[];
  /** Another build's `bin/gator.js` (an earlier version); this checkout's by default. */
  readonly bin?: string;
}): Variant => {
  const bin = options.bin ?? GATOR_BIN;
  const args = [
    'run',
    options.spec,
    '--tracking',
    options.tracking,
    '--quiet',
    ...(options.jobs === null ? [] : ['-j', String(options.jobs)]),
    ...(options.extraArgs ?? []),
  ];
  const clean = (): void => rmSync(options.tracking, { recursive: true, force: true });
  return {
    key: options.key ?? 'gator',
    label: options.label ?? 'gator',
    role: 'runner',
    argv: [process.execPath, bin, ...args],
    display: ['node', shown(bin), ...args.map((arg) => shellQuote(arg.startsWith('/') ? shown(arg) : arg))].join(' '),
    before: clean,
    check: (measurement) => verify(measurement, join(options.tracking, 'run.sqlite'), options.expect),
    after: clean,
  };
};

/**
 * The same run by the earlier build given with `--before DIR`, as a second runner variant of
 * the case (so it is alternated with this build in the same rounds); none without `--before`.
 */
export const gatorBefore = (
  before: string | null,
  options: { readonly spec: string; readonly tracking: string; readonly jobs: number | null; readonly expect: Expectation },
): Variant[] =>
  before === null ? [] : [gatorRun({ ...options, key: 'gator-before', label: `gator before (${shown(before)})`, bin: join(before, 'bin', 'gator.js') })];
