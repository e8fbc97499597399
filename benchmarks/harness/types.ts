// The vocabulary shared by the harness files: what a measured command is, what one run of it
// gave, and how runs are grouped into the cases a workload defines.
import type { Spread } from './stats.js';

export type WorkloadId = 'W1' | 'W2' | 'W3' | 'W4';
export const WORKLOAD_IDS: readonly WorkloadId[] = ['W1', 'W2', 'W3', 'W4'];

/** What `/usr/bin/time` (and the harness's own clock and /proc/stat) saw for one command. */
export interface Measurement {
  /** Wall seconds from spawn to exit, by the harness's monotonic clock. */
  readonly wallS: number;
  /** User and system CPU seconds of the whole waited-for process tree. */
  readonly userS: number;
  readonly sysS: number;
  /** Largest resident set of any single process of the tree, bytes; null when unknown. */
  readonly maxRssBytes: number | null;
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  /** CPU used by other processes on the machine meanwhile, as a share of all cores; null when unknown. */
  readonly foreignShare: number | null;
  /** File holding the command's stdout and stderr. */
  readonly log: string;
}

/** The verdict on one run: did the command do all the work it was asked to? */
export interface Check {
  readonly ok: boolean;
  readonly note?: string;
  /** Seconds of the measured phase, when the command times itself (the bare SQLite loop). */
  readonly innerS?: number;
}

export interface Variant {
  /** Stable key within its case: `gator`, `xargs`, `parallel`, `redirect`, `sqlite`, `node`. */
  readonly key: string;
  readonly label: string;
  readonly role: 'runner' | 'baseline';
  readonly argv: readonly string[];
  /** The command as a person would type it from the repository root. */
  readonly display: string;
  /** At most this many repetitions (a slow secondary baseline); the case's count otherwise. */
  readonly reps?: number;
  /** Why this variant is not measured (tool missing), when it is not. */
  readonly unavailable?: string;
  /** Before each run: clean the directories it writes. */
  readonly before?: () => void;
  /** After each run: verify the work was done. */
  readonly check?: (measurement: Measurement) => Check;
  /** After each run and its check: delete what it wrote. */
  readonly after?: () => void;
}

export interface Case {
  /** Unique, e.g. `W1 N=10,000`. */
  readonly id: string;
  readonly workload: WorkloadId;
  readonly title: string;
  /** Jobs the runner runs in one repetition, and lines they print (0 when not the point). */
  readonly jobs: number;
  readonly lines: number;
  readonly reps: number;
  readonly variants: readonly Variant[];
  readonly note?: string;
}

export interface Run {
  readonly rep: number;
  readonly measurement: Measurement;
  readonly check: Check;
}

export interface Summary {
  readonly wallS: Spread;
  readonly cpuS: Spread;
  readonly maxRssBytes: number | null;
  /** Median seconds of the work itself: the wall time, or the command's own timing when it gives one. */
  readonly workS: number;
  readonly foreignShare: number | null;
  readonly jobsPerS: number | null;
  readonly linesPerS: number | null;
}

export interface VariantResult {
  readonly variant: Variant;
  readonly runs: readonly Run[];
  /** Over the runs that passed their check; null when none did (or the variant was unavailable). */
  readonly summary: Summary | null;
}

export interface CaseResult {
  readonly case: Case;
  readonly variants: readonly VariantResult[];
  readonly loadAtStart: readonly number[];
}
