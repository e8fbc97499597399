// Reading what Slurm's commands print: `scontrol show config`, `squeue -o '%i|%T|%r|%k'`,
// `squeue -o '%r|%l'` for why a job is ending, `sbatch --parsable`, and sbatch's errors sorted
// into retry, wait or give up.
import type { ClusterJobStatus, ClusterLimits, ClusterState, SubmitFailureKind } from '../backend.js';

/** `Key = value` lines of `scontrol show config`. */
export const parseConfig = (text: string): Map<string, string> => {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^(\w+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match !== null) values.set(match[1]!, match[2]!);
  }
  return values;
};

const leadingNumber = (value: string | undefined, fallback: number): number => {
  const match = value === undefined ? null : /^(\d+)/.exec(value);
  return match === null ? fallback : Number(match[1]);
};

/** Slurm's documented defaults where the configuration says nothing. */
export const limitsFromConfig = (config: Map<string, string>): ClusterLimits => ({
  // MaxArraySize is one more than the largest index: 1001 allows 0-1000, i.e. 1001 tasks.
  maxArrayTasks: Math.max(1, leadingNumber(config.get('MaxArraySize'), 1001)),
  maxJobs: Math.max(1, leadingNumber(config.get('MaxJobCount'), 10_000)),
  killWaitSeconds: leadingNumber(config.get('KillWait'), 30),
  finishedVisibleSeconds: leadingNumber(config.get('MinJobAge'), 300),
});

const STATES: Readonly<Record<string, ClusterState>> = {
  PENDING: 'pending',
  CONFIGURING: 'running',
  RUNNING: 'running',
  COMPLETING: 'running',
  SUSPENDED: 'running',
  STAGE_OUT: 'running',
  SIGNALING: 'running',
  RESIZING: 'running',
  REQUEUED: 'pending',
  REQUEUE_FED: 'pending',
  REQUEUE_HOLD: 'pending',
  RESV_DEL_HOLD: 'pending',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TIMEOUT: 'timeout',
  DEADLINE: 'timeout',
  OUT_OF_MEMORY: 'out-of-memory',
  NODE_FAIL: 'node-fail',
  BOOT_FAIL: 'node-fail',
  PREEMPTED: 'other-end',
  REVOKED: 'other-end',
  SPECIAL_EXIT: 'other-end',
};

export const SQUEUE_FORMAT = '%i|%T|%r|%k';

/**
 * One status per line of `squeue -h -r -o '%i|%T|%r|%k'`. Array tasks print as `ARRAY_TASK`;
 * a whole array that never started (a pending array cancelled at once) prints as its bare id
 * or `ARRAY_[a-b]`, and then stands for every task of the submission: index -1.
 */
export const parseSqueue = (text: string, tagPrefix: string): ClusterJobStatus[] => {
  const statuses: ClusterJobStatus[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split('|');
    if (fields.length < 4) continue;
    const [id, stateName, reason] = fields as [string, string, string];
    const comment = fields.slice(3).join('|');
    if (!comment.startsWith(tagPrefix)) continue;
    const task = /^\d+_(\d+)$/.exec(id);
    const plain = /^\d+$/.test(id);
    statuses.push({
      tag: comment.slice(tagPrefix.length),
      index: task !== null ? Number(task[1]) : plain ? 0 : -1,
      clusterId: id,
      state: STATES[stateName.replace(/\+$/, '')] ?? 'other-end',
      stateName,
      reason,
    });
  }
  return statuses;
};

/**
 * Seconds in a Slurm duration as squeue prints it (`M:SS`, `H:MM:SS`, `D-HH:MM:SS`); null for
 * `UNLIMITED`, `NOT_SET`, `INVALID` and anything else.
 */
export const parseSlurmDuration = (text: string): number | null => {
  const match = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(text.trim());
  if (match === null) return null;
  const [, days, a, b, c] = match;
  const parts = [a, b, c].filter((part) => part !== undefined).map(Number);
  // With a day, or three fields, the first is hours; `M:SS` otherwise, and a bare number is minutes.
  const [h, m, s] =
    days !== undefined || parts.length === 3
      ? [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0]
      : parts.length === 2
        ? [0, parts[0]!, parts[1]!]
        : [0, parts[0]!, 0];
  return Number(days ?? 0) * 86_400 + h * 3600 + m * 60 + s;
};

/**
 * Why Slurm is ending a job, from `squeue -h -o '%r|%l'` of that job while it is being stopped:
 * for its time limit (`Reason=TimeLimit`, with the limit in seconds when squeue gave one), or
 * for something else (a cancel says `None`).
 */
export type EndReason = { readonly timeLimit: true; readonly seconds: number | null } | { readonly timeLimit: false };

/** Null when squeue did not list the job (the answer says nothing). */
export const parseEndReason = (text: string): EndReason | null => {
  const line = text.split('\n').find((candidate) => candidate.includes('|'));
  if (line === undefined) return null;
  const [reason = '', limit = ''] = line.trim().split('|');
  return reason === 'TimeLimit' ? { timeLimit: true, seconds: parseSlurmDuration(limit) } : { timeLimit: false };
};

/** `sbatch --parsable` prints `jobid` or `jobid;cluster`. */
export const parseParsable = (text: string): string | null => {
  const match = /^\s*(\d+)(?:;\S+)?\s*$/.exec(text);
  return match === null ? null : match[1]!;
};

const TRANSIENT = [
  /socket timed out/i,
  /unexpected message received/i,
  /resource temporarily unavailable/i,
  /unable to contact slurm controller/i,
  /slurm temporarily unable/i,
  /connection refused/i,
  /connection reset/i,
  /communication connection failure/i,
  /zero bytes were transmitted or received/i,
];
const QUOTA = [/QOSMaxSubmitJob/i, /MaxSubmitJobs/i, /AssocMaxSubmitJob/i, /job violates accounting\/QOS policy/i, /maximum number of jobs/i];

/** Sorts an sbatch failure; anything not known to pass with time is the request's fault. */
export const classifySubmitError = (stderr: string): SubmitFailureKind => {
  if (QUOTA.some((pattern) => pattern.test(stderr))) return 'quota';
  if (TRANSIENT.some((pattern) => pattern.test(stderr))) return 'transient';
  return 'permanent';
};

/** The sentence Slurm gave, without `sbatch: error:` prefixes and repeats. */
export const slurmMessage = (stderr: string): string => {
  const lines = stderr
    .split('\n')
    .map((line) =>
      line
        .replace(/^\s*sbatch:\s*(error:\s*)?/i, '')
        .replace(/^Batch job submission failed:\s*/i, '')
        .trim(),
    )
    .filter((line) => line !== '');
  const unique = [...new Set(lines)];
  return unique.length === 0 ? 'sbatch failed without a message' : unique.join('; ');
};
