// The one row of the `run` view, typed.
import type Database from 'better-sqlite3';
import { NotARunDatabaseError } from './errors.js';

export interface RunRow {
  readonly id: string;
  readonly specPath: string;
  readonly startedAt: number;
  readonly endedAt: number | null;
  /** `unknown` while running or after a crash, then `success` / `failure` / `interrupted`. */
  readonly result: string;
  readonly exitCode: number | null;
  readonly host: string;
  readonly argv: readonly string[];
  /** The id of the run this one reran, if it is a rerun. */
  readonly rerunOf: string | null;
  readonly pid: number | null;
  readonly heartbeatAt: number | null;
  /** The run seed every job's seed derives from. */
  readonly seed: number | null;
  /** The licence pools local jobs were admitted within; null when none were declared. */
  readonly licenses: Readonly<Record<string, number>> | null;
}

interface RawRun {
  id: string;
  spec_path: string;
  started_at: number;
  ended_at: number | null;
  result: string | null;
  exit_code: number | null;
  host: string;
  argv: string;
  rerun_of: string | null;
  pid: number | null;
  heartbeat_at: number | null;
  seed: number | null;
  pools: string | null;
}

const parseArgv = (text: string): string[] => {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.map(String) : [String(value)];
  } catch {
    return [text];
  }
};

const licensesOf = (text: string | null): Record<string, number> | null => {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    const licenses = typeof value === 'object' && value !== null ? (value as { licenses?: unknown }).licenses : null;
    if (typeof licenses !== 'object' || licenses === null || Array.isArray(licenses)) return null;
    const entries = Object.entries(licenses).filter((entry): entry is [string, number] => typeof entry[1] === 'number');
    return Object.fromEntries(entries);
  } catch {
    return null;
  }
};

export function readRun(db: Database.Database, dbPath: string = db.name): RunRow {
  const row = db
    .prepare('SELECT id, spec_path, started_at, ended_at, result, exit_code, host, argv, rerun_of, pid, heartbeat_at, seed, pools FROM run LIMIT 1')
    .get() as RawRun | undefined;
  if (row === undefined) throw new NotARunDatabaseError(dbPath, 'it has no run row');
  return {
    id: row.id,
    specPath: row.spec_path,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    result: row.result ?? 'unknown',
    exitCode: row.exit_code,
    host: row.host,
    argv: parseArgv(row.argv),
    rerunOf: row.rerun_of,
    pid: row.pid,
    heartbeatAt: row.heartbeat_at,
    seed: row.seed,
    licenses: licensesOf(row.pools),
  };
}
