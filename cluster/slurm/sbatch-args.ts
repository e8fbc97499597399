// A submission as sbatch arguments: the fixed flags every job of a run gets, then the
// resources. `--mem=0` is never emitted: to Slurm it means all of the node's memory.
import { join } from 'node:path';
import type { ResourceRequest, SubmitRequest } from '../backend.js';

const MIB = 1024 * 1024;

/** Marks the `--comment` of every job Gator submits; the rest is the batch's tag. */
export const TAG_PREFIX = 'gator:';

/** A time limit in seconds as the whole minutes Slurm enforces (its own granularity): rounded up, at least one. */
export const slurmMinutes = (seconds: number): number => Math.max(1, Math.ceil(seconds / 60));

/** Seconds as Slurm's `D-HH:MM:SS`, rounded up to whole minutes. */
export const slurmTime = (seconds: number): string => {
  const minutes = slurmMinutes(seconds);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${days > 0 ? `${days}-` : ''}${pad(hours)}:${pad(rest)}:00`;
};

/**
 * Memory in Slurm's megabytes (its docs' word for its `M` unit). A size written in binary units
 * is passed exactly; a decimal one (`!Memory [100, MB]`) as the number of megabytes written,
 * as Gator passes it, so the job shows MinMemoryNode=100M. Never 0.
 */
export const slurmMegabytes = (bytes: number): number => Math.max(1, bytes % MIB === 0 ? bytes / MIB : Math.ceil(bytes / 1e6 - 1e-9));

export const resourceArgs = (resources: ResourceRequest): string[] => {
  const args: string[] = [];
  if (resources.cores > 0) args.push('--ntasks=1', `--cpus-per-task=${resources.cores}`);
  if (resources.memoryBytes > 0) args.push(`--mem=${slurmMegabytes(resources.memoryBytes)}M`);
  const licenses = Object.entries(resources.licenses).filter(([, count]) => count > 0);
  if (licenses.length > 0) args.push(`--licenses=${licenses.map(([name, count]) => `${name}:${count}`).join(',')}`);
  if (resources.timeSeconds !== null && resources.timeSeconds > 0) args.push(`--time=${slurmTime(resources.timeSeconds)}`);
  if (resources.partition !== null) args.push(`--partition=${resources.partition}`);
  if (resources.account !== null) args.push(`--account=${resources.account}`);
  if (resources.qos !== null) args.push(`--qos=${resources.qos}`);
  return args;
};

export const sbatchArgs = (request: SubmitRequest, scriptPath: string): string[] => [
  '--parsable',
  `--job-name=${request.name}`,
  `--comment=${TAG_PREFIX}${request.tag}`,
  `--chdir=${request.workDir}`,
  `--output=${join(request.outputDir, request.tasks > 1 ? '%A_%a.out' : '%j.out')}`,
  '--open-mode=append',
  '--no-requeue',
  '--export=ALL',
  ...(request.tasks > 1 ? [`--array=0-${request.tasks - 1}`] : []),
  ...resourceArgs(request.resources),
  // Last, so a site's own flags win over ours.
  ...request.resources.extraArgs,
  scriptPath,
  ...request.args,
];
