// Builds a node's outcome in one place: the `ended` state change for the run database, the
// `ended` console event, and, for pruned or crashed nodes, the runtime line and the aborted id
// range that go with them. Job and group actors call these; the run actor and the console read
// the events they make (the tally in vocabulary/tally.ts counts them).
import type { NodeKindName, FailureKind, ResultCode } from '../vocabulary/codes.js';
import { RESULT_NAME, Result, SEVERITY_NAME, Severity, Stream, type SeverityLevel } from '../vocabulary/codes.js';
import { notStartedLine, prunedLine } from '../vocabulary/wording.js';
import type { MessageCounts } from '../storage/batch.js';
import type { Outbox } from './outbox-actor.js';
import type { MessageLimits } from './protocol.js';
import type { NodeEnded } from './events.js';

/** The node an outcome is about. */
export interface NodeRef {
  readonly id: number;
  readonly path: string;
  readonly kind: NodeKindName;
  /** Last id of the node's subtree (the node itself for a job). */
  readonly subtreeEnd: number;
}

/** A node and the number of leaf jobs below it (1 for a job). */
export interface CountedNode extends NodeRef {
  readonly leaves: number;
}

export interface Outcome {
  readonly ts: number;
  readonly result: ResultCode;
  readonly failure: FailureKind | null;
  /** The fact behind the failure (the matching line, the missing patterns, the failing tests). */
  readonly detail?: string | null;
  /** The limits a job was judged by (for the wording of a count failure). */
  readonly limits?: MessageLimits;
  /** Seconds from start to end; 0 for nodes that never started. */
  readonly duration: number;
  /** Leaf jobs this end settles: 1 for a job, 0 for a group (its jobs settle themselves). */
  readonly jobs: number;
  readonly exitCode?: number | null;
  readonly signal?: string | null;
  readonly counts?: MessageCounts | null;
  readonly cpuPeak?: number | null;
  readonly rssPeak?: number | null;
  /** The first ERROR or CRITICAL line, for triage. */
  readonly firstError?: string | null;
  /** Seconds: the limit a `timeout` failure ran into. */
  readonly timeout?: number | null;
  /** A job that passed only after a retry. */
  readonly flaky?: boolean;
}

/** Records that a node ended and tells the console. */
export const reportEnded = (outbox: Outbox, node: CountedNode, outcome: Outcome): void => {
  const exitCode = outcome.exitCode ?? null;
  const signal = outcome.signal ?? null;
  outbox.change({
    type: 'ended',
    id: node.id,
    ts: outcome.ts,
    result: outcome.result,
    failure: outcome.failure,
    detail: outcome.detail ?? null,
    exitCode,
    signal,
    counts: outcome.counts ?? null,
    cpuPeak: outcome.cpuPeak ?? null,
    rssPeak: outcome.rssPeak ?? null,
    ...(outcome.flaky === true ? { flaky: true } : {}),
    ...(outcome.timeout === undefined || outcome.timeout === null ? {} : { timeout: outcome.timeout }),
  });
  outbox.event({
    type: 'ended',
    node: {
      id: node.id,
      path: node.path,
      kind: node.kind,
      ts: outcome.ts,
      result: RESULT_NAME[outcome.result],
      duration: outcome.duration,
      exitCode,
      signal,
      failure: outcome.failure,
      detail: outcome.detail ?? null,
      limits: outcome.limits ?? null,
      firstError: outcome.firstError ?? null,
      jobs: outcome.jobs,
      subtreeEnd: node.subtreeEnd,
      leaves: node.leaves,
      ...(outcome.timeout === undefined || outcome.timeout === null ? {} : { timeout: outcome.timeout }),
      ...(outcome.flaky === true ? { flaky: true } : {}),
    },
  });
};

/** A runtime line about a node (a timeout, a retry), shown on the console when `show`. */
export const reportLine = (
  outbox: Outbox,
  node: NodeRef,
  options: { readonly ts: number; readonly severity: SeverityLevel; readonly text: string; readonly show: boolean; readonly attempt?: number },
): void => {
  const { ts, severity, text } = options;
  outbox.message(node.id, ts, severity, Stream.runtime, text, null, options.attempt);
  if (options.show)
    outbox.event({ type: 'message', message: { jobId: node.id, path: node.path, ts, severity: SEVERITY_NAME[severity], stream: 'runtime', text } });
};

/**
 * Records that a node and its whole subtree were aborted before they started (`pruned:
 * <reason>`), and tells the console; `showLine` also sends the runtime line to the console.
 */
export const reportAborted = (
  outbox: Outbox,
  node: NodeRef,
  options: { readonly ts: number; readonly reason: string; readonly jobs: number; readonly showLine: boolean },
): void => {
  const { ts, jobs } = options;
  const text = prunedLine(options.reason);
  outbox.message(node.id, ts, Severity.WARNING, Stream.runtime, text, null);
  outbox.change({ type: 'aborted', from: node.id, to: node.subtreeEnd, ts });
  if (options.showLine) outbox.event({ type: 'message', message: { jobId: node.id, path: node.path, ts, severity: 'WARNING', stream: 'runtime', text } });
  outbox.event({ type: 'ended', node: { ...abortedEnd(node, { from: node.id, to: node.subtreeEnd, jobs }, ts), reason: options.reason } });
};

/** The console end of an aborted node, or of a range of a group's children (`path`, `kind`: the group's). */
const abortedEnd = (node: NodeRef, range: ChildRange, ts: number): NodeEnded => ({
  id: range.from,
  path: node.path,
  kind: node.kind,
  ts,
  result: 'aborted',
  duration: 0,
  exitCode: null,
  signal: null,
  failure: null,
  detail: null,
  limits: null,
  firstError: null,
  jobs: range.jobs,
  subtreeEnd: range.to,
  leaves: range.jobs,
});

/** Neighbouring children (ids `from` to `to`, their subtrees included) that settle `jobs` leaf jobs. */
export interface ChildRange {
  readonly from: number;
  readonly to: number;
  readonly jobs: number;
}

/**
 * Records that a stop or a halt (fail-fast, a group timeout) aborted a group's children that had not started, all at once: one
 * runtime line on the group, one aborted id range and one console end per run of neighbours.
 * (An array of 250,000 stopped child by child made as many lines, rows and console ends: it
 * took tens of seconds to stop.)
 */
export const reportNotStarted = (
  outbox: Outbox,
  group: NodeRef,
  ranges: readonly ChildRange[],
  options: { readonly ts: number; readonly reason: string },
): void => {
  const { ts, reason } = options;
  const jobs = ranges.reduce((sum, range) => sum + range.jobs, 0);
  outbox.message(group.id, ts, Severity.WARNING, Stream.runtime, prunedLine(notStartedLine(jobs, reason)), null);
  for (const range of ranges) {
    outbox.change({ type: 'aborted', from: range.from, to: range.to, ts });
    outbox.event({ type: 'ended', node: { ...abortedEnd(group, range, ts), notStarted: reason } });
  }
};

/** Records that a child actor crashed: the node fails as `internal`, a group's unfinished subtree is aborted. */
export const reportCrashed = (outbox: Outbox, node: CountedNode, options: { readonly ts: number; readonly error: string }): void => {
  const { ts } = options;
  const text = `internal error: ${options.error}`;
  outbox.message(node.id, ts, Severity.CRITICAL, Stream.runtime, text, null);
  outbox.event({ type: 'message', message: { jobId: node.id, path: node.path, ts, severity: 'CRITICAL', stream: 'runtime', text } });
  // The `ended` change comes before the range abort, which skips nodes that have ended.
  reportEnded(outbox, node, { ts, result: Result.failure, failure: 'internal', duration: 0, jobs: node.kind === 'job' ? 1 : 0, firstError: text });
  if (node.kind !== 'job') outbox.change({ type: 'aborted', from: node.id + 1, to: node.subtreeEnd, ts });
};
