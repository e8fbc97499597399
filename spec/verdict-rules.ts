// Inheritance of the verdict fields down the tree: a node's lists add to its parent's (or
// replace them with `{replace: [...]}`), its limits override the parent's one by one, and its
// stderr severity overrides the parent's. The result for a job is plain data in the plan.
// Shared: a node whose spec sets none of the fields passes its parent's objects down as they
// are, and the instances of an array share one result.
import { DEFAULT_LINE_RULES, Severity, type LineRules, type SeverityPattern } from '../parsers/index.js';
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
