// GNU parallel's --joblog TSV, which plot_joblog and many CI scripts already read: one row
// per leaf job, in spec order.
import { constants } from 'node:os';
import { jobDuration, type JobRow } from './jobs.js';

export const JOBLOG_HEADER = ['Seq', 'Host', 'Starttime', 'JobRuntime', 'Send', 'Receive', 'Exitval', 'Signal', 'Command'] as const;

const signalNumber = (signal: string | null): number => {
  if (signal === null) return 0;
  const byName = (constants.signals as Readonly<Record<string, number>>)[signal];
  return byName ?? (Number.isInteger(Number(signal)) ? Number(signal) : 0);
};

/**
 * Host is `:` (parallel's name for this machine). Starttime and JobRuntime are seconds with
 * three decimals, padded as parallel prints them; Send/Receive are 0 (nothing is transferred).
 * Exitval is the job's exit code, -1 when it has none (never started, killed, cut off), and
 * 124 for a job stopped at its timeout, as coreutils' timeout(1) reports one; note that a job
 * can fail Gator's message limits with exit code 0.
 */
/** A timeout is 124, as timeout(1) exits; else the exit code, or -1 when there is none. */
const TIMEOUT_EXITVAL = 124;
const exitval = (job: JobRow): number => (job.failure === 'timeout' ? TIMEOUT_EXITVAL : (job.exitCode ?? -1));

export function exportJoblog(jobs: readonly JobRow[], endTime: number): string {
  const lines = [JOBLOG_HEADER.join('\t')];
  let seq = 0;
  for (const job of jobs) {
    if (job.kind !== 'job') continue;
    seq++;
    const start = job.startedAt ?? 0;
    const runtime = job.startedAt === null ? 0 : jobDuration(job, endTime);
    const command = (job.command ?? job.argv?.join(' ') ?? '').replace(/[\t\r\n]+/g, ' ');
    lines.push([seq, ':', start.toFixed(3).padStart(10), runtime.toFixed(3).padStart(8), 0, 0, exitval(job), signalNumber(job.signal), command].join('\t'));
  }
  return `${lines.join('\n')}\n`;
}
