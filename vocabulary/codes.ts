// The codes and names every layer shares, each defined once in one table: severities, streams,
// node kinds, states, node results, run results, failure kinds and exit codes. Tables map a
// name to the integer the run database stores; storage/schema.ts generates the public views'
// SQL CASE lists from these same tables, so a name cannot differ between the code and SQL.

/** A name → code table, and the reverse lookups built from it. */
type CodeTable = Readonly<Record<string, number>>;

/** The names of a table in code order. */
const namesOf = <T extends CodeTable>(table: T): readonly (keyof T & string)[] =>
  Object.freeze((Object.keys(table) as (keyof T & string)[]).sort((a, b) => table[a]! - table[b]!));

/** The code → name lookup of a table (a plain object: it is read per line on the hot path). */
const nameLookup = <T extends CodeTable>(table: T): Readonly<Record<T[keyof T], keyof T & string>> => {
  const names: Record<number, string> = {};
  for (const [name, code] of Object.entries(table)) names[code] = name;
  return Object.freeze(names);
};

export const Severity = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 } as const;
export type SeverityName = keyof typeof Severity;
export type SeverityLevel = (typeof Severity)[SeverityName];
export const SEVERITY_NAMES = namesOf(Severity);
export const SEVERITY_NAME = nameLookup(Severity);

export const Stream = { stdout: 0, stderr: 1, api: 2, runtime: 3 } as const;
export type StreamName = keyof typeof Stream;
export type StreamCode = (typeof Stream)[StreamName];
export const STREAM_NAMES = namesOf(Stream);
export const STREAM_NAME = nameLookup(Stream);

export const NodeKind = { job: 0, group: 1, array: 2 } as const;
export type NodeKindName = keyof typeof NodeKind;
export type NodeKindCode = (typeof NodeKind)[NodeKindName];
export const NODE_KIND_NAME = nameLookup(NodeKind);

export const State = { pending: 0, launched: 1, running: 2, complete: 3 } as const;
export type StateName = keyof typeof State;
export type StateCode = (typeof State)[StateName];
export const STATE_NAME = nameLookup(State);

/** How a node (job, group or array) ended. */
export const Result = { unknown: 0, success: 1, failure: 2, aborted: 3 } as const;
export type ResultName = keyof typeof Result;
export type ResultCode = (typeof Result)[ResultName];
export const RESULT_NAME = nameLookup(Result);

/** How the whole run ended; its own type, since 3 means `interrupted` here, not `aborted`. */
export const RunResult = { unknown: 0, success: 1, failure: 2, interrupted: 3 } as const;
export type RunResultName = keyof typeof RunResult;
export type RunResultCode = (typeof RunResult)[RunResultName];
export const RUN_RESULT_NAME = nameLookup(RunResult);

/** Why a job failed; stored as text so reports say it without re-deriving it. */
export const FAILURE_KINDS = [
  'exit',
  'signal',
  'timeout',
  'error-count',
  'warning-count',
  'critical-count',
  'fail-pattern',
  'pass-pattern',
  'test-results',
  'spawn',
  'interrupted',
  'cut-off',
  'child',
  'internal',
  'lost',
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];
const FAILURE_KIND_SET: ReadonlySet<string> = new Set(FAILURE_KINDS);
/** Narrows a stored `failure` text; an unknown text (a newer writer) reads as none. */
export const asFailureKind = (text: string | null): FailureKind | null => (text !== null && FAILURE_KIND_SET.has(text) ? (text as FailureKind) : null);

/** The process exit codes of every command. */
export const ExitCode = {
  /** Every job passed (or a read command succeeded). */
  success: 0,
  /** Something failed. */
  failure: 1,
  /** A bad spec, bad options or a run database that cannot be read. */
  usage: 2,
  /** The runner itself failed (a thread died, the database could not be written). */
  internal: 3,
  /** Stopped by Ctrl+C or SIGTERM (128 + SIGINT). */
  interrupted: 130,
} as const;
export type ExitCodeName = keyof typeof ExitCode;
export type ExitCodeValue = (typeof ExitCode)[ExitCodeName];

/** The `(code, name)` pairs of a table, for generating SQL from it. */
export const codePairs = (table: CodeTable): readonly (readonly [number, string])[] => namesOf(table).map((name) => [table[name]!, name] as const);
