// The one tally of leaf jobs: the run keeps it live, the console's progress view draws it, and
// the readers count it from a run database. Groups and arrays are never counted themselves; a
// pruned group settles its whole subtree's jobs at once.
import type { ResultName } from './codes.js';
import { unreachable } from './unreachable.js';

/** Leaf-job counts; `total` is every counted job, the rest split it by outcome. */
export interface Tally {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly aborted: number;
  /** Launched or running when the runner died. */
  readonly cutOff: number;
  /** Not finished yet. */
  readonly unfinished: number;
}

export type MutableTally = { -readonly [K in keyof Tally]: Tally[K] };

/** An outcome as counted: a node result, or cut off (in flight when its runner died). */
export type TallyOutcome = ResultName | 'cut-off';

/** A tally of `total` jobs none of which has finished yet (a run's tally at its start). */
export const openTally = (total = 0): MutableTally => ({ total, passed: 0, failed: 0, aborted: 0, cutOff: 0, unfinished: total });

const bucketOf = (outcome: TallyOutcome): keyof Tally => {
  switch (outcome) {
    case 'success':
      return 'passed';
    case 'failure':
      return 'failed';
    case 'aborted':
      return 'aborted';
    case 'cut-off':
      return 'cutOff';
    case 'unknown':
      return 'unfinished';
    default:
      return unreachable(outcome, 'outcome');
  }
};

/** Counts `jobs` more jobs with this outcome (reading rows: the total grows). */
export const countJobs = (tally: MutableTally, outcome: TallyOutcome, jobs = 1): void => {
  tally.total += jobs;
  tally[bucketOf(outcome)] += jobs;
};

/** Moves `jobs` unfinished jobs to this outcome (a live run: the total is known up front). */
export const settleJobs = (tally: MutableTally, outcome: TallyOutcome, jobs = 1): void => {
  const bucket = bucketOf(outcome);
  if (bucket === 'unfinished') return;
  tally.unfinished -= jobs;
  tally[bucket] += jobs;
};
