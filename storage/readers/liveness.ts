// Is a run still going? The one rule every command uses, so that `runs`, `replay --follow`,
// `report` and `rerun` never disagree about a run whose runner died.
//
// A run is live when it has not ended, its runner refreshed the heartbeat within the last
// HEARTBEAT_STALE_SECONDS (it does so every 2 s), and, when the runner ran on this host, its pid
// is still alive. A run that has not ended and is not live was cut off: its runner was killed
// or its machine went down, and the jobs it had launched never got a result.
import { hostname } from 'node:os';
import type { ResultName, StateName } from '../../vocabulary/codes.js';
import type { RunRow } from './run-info.js';

export type RunStatus = 'running' | 'cut-off' | 'done';

export const HEARTBEAT_STALE_SECONDS = 10;

/** What liveness depends on outside the database; tests substitute it. */
export interface LivenessProbe {
  /** Unix seconds. */
  now(): number;
  readonly hostname: string;
  pidAlive(pid: number): boolean;
}

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export const systemProbe: LivenessProbe = { now: () => Date.now() / 1000, hostname: hostname(), pidAlive };

type LivenessFields = Pick<RunRow, 'endedAt' | 'heartbeatAt' | 'host' | 'pid'>;

export function runStatus(run: LivenessFields, probe: LivenessProbe = systemProbe): RunStatus {
  if (run.endedAt !== null) return 'done';
  if (run.heartbeatAt === null || probe.now() - run.heartbeatAt > HEARTBEAT_STALE_SECONDS) return 'cut-off';
  if (run.host === probe.hostname && run.pid !== null && run.pid > 0 && !probe.pidAlive(run.pid)) return 'cut-off';
  return 'running';
}

/**
 * When the run stopped or stops being observed: its end, now while it runs, or its last sign
 * of life when cut off. Durations of unfinished things and relative times count from here.
 */
export function runEndTime(run: LivenessFields & Pick<RunRow, 'startedAt'>, status: RunStatus, probe: LivenessProbe = systemProbe): number {
  if (status === 'done' && run.endedAt !== null) return run.endedAt;
  if (status === 'running') return probe.now();
  return run.heartbeatAt ?? run.startedAt;
}

/** A job's state and result as shown: in-flight jobs of a cut-off run are `cut off`, never passed. */
export type ShownState = StateName | 'cut-off';
export type ShownResult = ResultName | 'cut-off';

export function shownJob(job: { readonly state: StateName; readonly result: ResultName }, status: RunStatus): { state: ShownState; result: ShownResult } {
  if (status === 'cut-off' && job.state !== 'complete' && job.state !== 'pending') return { state: 'cut-off', result: 'cut-off' };
  return { state: job.state, result: job.result };
}
