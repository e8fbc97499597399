// Messages as the replay readers hand them out: filters, batches, and the packed key of job
// and severity. Plain data, shared by the main thread and the replay worker.
import { SEVERITY_NAMES, type SeverityName, type StreamName } from '../../vocabulary/codes.js';

export interface MessageFilter {
  /** Only these nodes' messages; undefined for every node. */
  readonly jobIds?: readonly number[] | undefined;
  /** This severity and above. */
  readonly minSeverity?: SeverityName | undefined;
  readonly streams?: readonly StreamName[] | undefined;
  /** Unix seconds, inclusive. */
  readonly since?: number | undefined;
  readonly until?: number | undefined;
  /** Applied to the text after reading (SQLite has no REGEXP of its own). */
  readonly grep?: RegExp | undefined;
}

/** The part of a filter SQLite applies: everything but `grep`, and cloneable to a worker. */
export type SqlFilter = Omit<MessageFilter, 'grep'>;

/**
 * Messages as parallel arrays, one entry per message, which keeps millions of them cheap. The
 * job and severity travel together as one `key` = job id × 8 + severity index (see `jobOfKey`,
 * `severityOfKey`), which is also what a line's prefix depends on.
 */
export interface MessageBatch {
  readonly length: number;
  readonly ts: Float64Array;
  readonly key: Int32Array;
  /** Only when asked for (`withStream`); null otherwise. */
  readonly stream: readonly StreamName[] | null;
  readonly text: readonly string[];
  /**
   * True when no text holds a C0 or C1 control character other than TAB, so a printer need
   * not escape line by line (false says nothing).
   */
  readonly controlFree: boolean;
}

export const jobOfKey = (key: number): number => key >> 3;
export const severityOfKey = (key: number): SeverityName => SEVERITY_NAMES[key & 7] as SeverityName;
export const messageKey = (jobId: number, severity: SeverityName): number => jobId * 8 + SEVERITY_NAMES.indexOf(severity);

export const EMPTY_BATCH: MessageBatch = { length: 0, ts: new Float64Array(0), key: new Int32Array(0), stream: null, text: [], controlFree: true };

/** One row as SQLite gives it on the row-by-row paths. */
export type RawRow = [id: number, ts: number, key: number, stream: StreamName, text: string];

/**
 * One chunk of messages as read from SQLite, before decoding: times and keys parsed, with the
 * order that sorts them by time (null when they already are), and the texts (and streams)
 * still packed in one string by `group_concat`, newline-separated; or plain rows when a text
 * holds a newline itself. Typed arrays move between threads without a copy.
 */
export type PackedChunk =
  | {
      readonly kind: 'packed';
      readonly count: number;
      readonly ts: Float64Array;
      readonly key: Int32Array;
      readonly order: Uint32Array | null;
      readonly texts: string;
      readonly streams: string | null;
    }
  | { readonly kind: 'rows'; readonly rows: readonly RawRow[] };

/** Which id ranges to read: [starts[k], ends[k]). */
export interface ChunkRanges {
  readonly starts: readonly number[];
  readonly ends: readonly number[];
}

/** The ranges, and the smallest ts of each range and all ranges after it. */
export interface ChunkPlan extends ChunkRanges {
  /** suffixMin[k] = the smallest ts in chunks k, k+1, …; suffixMin[chunks] = Infinity. */
  readonly suffixMin: Float64Array;
}
