// What the storage actor receives: plain data, columnar for messages so that a batch of
// thousands of lines crosses threads as a few arrays rather than thousands of objects.
import type { FailureKind, ResultCode, SeverityLevel, StreamCode } from '../vocabulary/codes.js';

export interface MessageColumns {
  readonly jobId: number[];
  readonly ts: number[];
  readonly severity: SeverityLevel[];
  readonly stream: StreamCode[];
  readonly text: string[];
  /** The line's bytes when they are not valid UTF-8 (text then holds U+FFFD replacements); else null. */
  readonly raw: (Uint8Array | null)[];
  /** The attempt of a retried job the line belongs to; null for a first attempt (most lines). */
  readonly attempt: (number | null)[];
}

export type MessageCounts = readonly [debug: number, info: number, warning: number, error: number, critical: number];

export type NodeChange =
  | {
      readonly type: 'launched';
      readonly id: number;
      readonly ts: number;
      /** When it started waiting for its resources (jobs). */
      readonly queuedAt?: number;
      /** The pool it waited for longest, e.g. `cores` or `license:VCS`; null when none held it back. */
      readonly waitedFor?: string | null;
    }
  | { readonly type: 'started'; readonly id: number; readonly ts: number; readonly pid: number | null }
  | { readonly type: 'progress'; readonly id: number; readonly counts: MessageCounts; readonly cpuPeak: number | null; readonly rssPeak: number | null }
  | {
      readonly type: 'ended';
      readonly id: number;
      readonly ts: number;
      readonly result: ResultCode;
      readonly failure: FailureKind | null;
      /** The fact behind the failure, when there is one: the line that matched a fail pattern, the pass pattern never matched, the failing tests. */
      readonly detail?: string | null;
      readonly exitCode: number | null;
      readonly signal: string | null;
      readonly counts: MessageCounts | null;
      readonly cpuPeak: number | null;
      readonly rssPeak: number | null;
      /** A job that passed only after a retry. */
      readonly flaky?: boolean;
      /** Seconds: the limit a `timeout` failure ran into, kept as the job's `timeout` (on a cluster, the scheduler's time limit). */
      readonly timeout?: number;
    }
  /** A job on a cluster: the scheduler's id and, once it runs, the compute host. */
  | { readonly type: 'cluster'; readonly id: number; readonly clusterId: string; readonly host: string | null }
  /** A cluster job's spool is ingested up to this byte offset; stored with the rows that came from it. */
  | { readonly type: 'ingested'; readonly id: number; readonly offset: number }
  /** An attempt of a job ended and another begins: the old one is kept in `attempt`. */
  | {
      readonly type: 'retried';
      readonly id: number;
      /** The attempt that ended (1 for the first). */
      readonly attempt: number;
      readonly startedAt: number;
      readonly endedAt: number;
      readonly result: ResultCode;
      readonly failure: FailureKind | null;
      readonly exitCode: number | null;
      readonly signal: string | null;
      readonly pid: number | null;
      readonly counts: MessageCounts;
    }
  /** Attempt `attempt` (2 or more) of a job started. */
  | { readonly type: 'attempt-started'; readonly id: number; readonly attempt: number; readonly ts: number; readonly pid: number | null }
  /** Every node of the id range that has not ended becomes complete and aborted (a pruned subtree). */
  | { readonly type: 'aborted'; readonly from: number; readonly to: number; readonly ts: number };

export interface SampleRow {
  readonly jobId: number;
  readonly ts: number;
  readonly nproc: number;
  readonly cpuPercent: number;
  readonly rssBytes: number;
}

export interface MetricRow {
  readonly jobId: number;
  readonly ts: number;
  readonly name: string;
  readonly value: number;
  /** Where it came from: api (the job reported it), stdout/stderr (a parser read it from a line), runtime (the runner). */
  readonly source: StreamCode;
}

export interface WriteBatch {
  readonly messages?: MessageColumns;
  readonly changes?: readonly NodeChange[];
  readonly samples?: readonly SampleRow[];
  readonly metrics?: readonly MetricRow[];
}

export const emptyMessageColumns = (): MessageColumns => ({ jobId: [], ts: [], severity: [], stream: [], text: [], raw: [], attempt: [] });
