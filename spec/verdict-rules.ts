// Inheritance of the verdict fields down the tree: a node's lists add to its parent's (or
// replace them with `{replace: [...]}`), its limits override the parent's one by one, and its
// stderr severity overrides the parent's. The result for a job is plain data in the plan.
// Shared: a node whose spec sets none of the fields passes its parent's objects down as they
// are, and the instances of an array share one result.
import { DEFAULT_LINE_RULES, Severity, parserNamed, patternProblem, type LineRules, type SeverityPattern } from '../parsers/index.js';
import { SEVERITY_NAME, type SeverityName } from '../vocabulary/codes.js';
import type { LimitsSpec, ListSetting, PatternSpec, VerdictSpec } from './model.js';

/** Limits a job's spec sets (absent keys take the run's command-line defaults; null is unlimited). */
export type PlannedLimits = LimitsSpec;

export interface PlannedVerdict {
  readonly lines: LineRules;
  readonly limits: PlannedLimits;
}

export const DEFAULT_VERDICT: PlannedVerdict = Object.freeze({ lines: DEFAULT_LINE_RULES, limits: Object.freeze({}) });

const concat = <T, U>(inherited: readonly U[], own: ListSetting<T> | undefined, map: (item: T) => U): readonly U[] => {
  if (own === undefined) return inherited;
  const mine = own.items.map(map);
  return own.replace ? mine : [...inherited, ...mine];
};

const source = (p: PatternSpec): string => p.match;
const mapped =
  (fallback: SeverityPattern['severity']) =>
  (p: PatternSpec): SeverityPattern => ({ match: p.match, severity: p.severity === undefined ? fallback : Severity[p.severity] });

const hasVerdictFields = (spec: VerdictSpec): boolean =>
  spec.parsers !== undefined ||
  spec.failPatterns !== undefined ||
  spec.passPatterns !== undefined ||
  spec.ignorePatterns !== undefined ||
  spec.severityPatterns !== undefined ||
  spec.limits !== undefined ||
  spec.stderr !== undefined;

/** The rules a node passes to its children (and a job applies), from its parent's. */
export function deriveVerdict(spec: VerdictSpec, inherited: PlannedVerdict): PlannedVerdict {
  if (!hasVerdictFields(spec)) return inherited;
  const parent = inherited.lines;
  const parsers = concat(parent.parsers, spec.parsers, (p) => p.name);
  const lines: LineRules = Object.freeze({
    // A parser named twice runs once, where it first appears.
    parsers: parsers.filter((name, i) => parsers.indexOf(name) === i),
    failPatterns: concat(parent.failPatterns, spec.failPatterns, source),
    passPatterns: concat(parent.passPatterns, spec.passPatterns, source),
    ignorePatterns: concat(parent.ignorePatterns, spec.ignorePatterns, mapped(Severity.INFO)),
    // A severity pattern always has its severity (the spec requires it).
    severityPatterns: concat(parent.severityPatterns, spec.severityPatterns, mapped(Severity.ERROR)),
    stderr: spec.stderr === undefined ? parent.stderr : Severity[spec.stderr],
  });
  const limits = spec.limits === undefined ? inherited.limits : Object.freeze({ ...inherited.limits, ...spec.limits });
  return Object.freeze({ lines, limits });
}

/** The rules as the run database records them (`jobs.rules`), in the spec's own field names. */
export interface VerdictJson {
  readonly parsers?: readonly string[];
  readonly fail_patterns?: readonly string[];
  readonly pass_patterns?: readonly string[];
  readonly ignore_patterns?: readonly { readonly match: string; readonly severity: SeverityName }[];
  readonly severity_patterns?: readonly { readonly match: string; readonly severity: SeverityName }[];
  readonly stderr?: SeverityName;
  readonly limits?: PlannedLimits;
}

const recorded = new WeakMap<LineRules, WeakMap<PlannedLimits, VerdictJson | null>>();

const named = (patterns: readonly SeverityPattern[]): { match: string; severity: SeverityName }[] =>
  patterns.map((p) => ({ match: p.match, severity: SEVERITY_NAME[p.severity] }));

/** What a job's spec set, for the record; null when it set nothing (one object per distinct rules). */
export function verdictJson(verdict: PlannedVerdict): VerdictJson | null {
  const { lines, limits } = verdict;
  let byLimits = recorded.get(lines);
  if (byLimits === undefined) {
    byLimits = new WeakMap();
    recorded.set(lines, byLimits);
  }
  const known = byLimits.get(limits);
  if (known !== undefined) return known;
  const json: Record<string, unknown> = {};
  if (lines.parsers.length > 0) json['parsers'] = lines.parsers;
  if (lines.failPatterns.length > 0) json['fail_patterns'] = lines.failPatterns;
  if (lines.passPatterns.length > 0) json['pass_patterns'] = lines.passPatterns;
  if (lines.ignorePatterns.length > 0) json['ignore_patterns'] = named(lines.ignorePatterns);
  if (lines.severityPatterns.length > 0) json['severity_patterns'] = named(lines.severityPatterns);
  if (lines.stderr !== Severity.ERROR) json['stderr'] = SEVERITY_NAME[lines.stderr];
  if (Object.keys(limits).length > 0) json['limits'] = limits;
  const result = Object.keys(json).length === 0 ? null : (json as VerdictJson);
  byLimits.set(limits, result);
  return result;
}

const severityOf = (name: unknown): SeverityPattern['severity'] | undefined =>
  typeof name === 'string' && Object.hasOwn(Severity, name) ? Severity[name as SeverityName] : undefined;

/** The rules back from a recorded `jobs.rules` (a rerun judges a job as its run did); bad parts are dropped. */
export function verdictFromJson(text: string | null): PlannedVerdict {
  if (text === null) return DEFAULT_VERDICT;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return DEFAULT_VERDICT;
  }
  if (typeof json !== 'object' || json === null) return DEFAULT_VERDICT;
  const record = json as Record<string, unknown>;
  const strings = (value: unknown): string[] =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && patternProblem(v) === undefined) : [];
  const patterns = (value: unknown): SeverityPattern[] =>
    (Array.isArray(value) ? value : []).flatMap((p: unknown) => {
      if (typeof p !== 'object' || p === null) return [];
      const { match, severity } = p as { match?: unknown; severity?: unknown };
      const level = severityOf(severity);
      return typeof match === 'string' && patternProblem(match) === undefined && level !== undefined ? [{ match, severity: level }] : [];
    });
  const limits: Record<string, number | null> = {};
  const rawLimits = record['limits'];
  if (typeof rawLimits === 'object' && rawLimits !== null) {
    for (const name of ['warning', 'error', 'critical'] as const) {
      const value = (rawLimits as Record<string, unknown>)[name];
      if (value === null || (typeof value === 'number' && Number.isInteger(value) && value >= 0)) limits[name] = value;
    }
  }
  return {
    lines: {
      parsers: strings(record['parsers']).filter((name) => parserNamed(name) !== undefined),
      failPatterns: strings(record['fail_patterns']),
      passPatterns: strings(record['pass_patterns']),
      ignorePatterns: patterns(record['ignore_patterns']),
      severityPatterns: patterns(record['severity_patterns']),
      stderr: severityOf(record['stderr']) ?? Severity.ERROR,
    },
    limits,
  };
}
