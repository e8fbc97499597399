// Leaf jobs on a cluster, behind the same seam as local processes: the job actor hands over
// its command and hears back started, output, samples and the end, exactly as from the spawn
// server, so line splitting, limits and verdicts are the same code. One ClusterRun per run
// lives on the run's single job thread and is the run's only client of the scheduler.
import { fileURLToPath } from 'node:url';
import type { ResourceRequest } from '../../../cluster/backend.js';
import { ClusterRun, type LeafJob } from '../../../cluster/cluster-run.js';
import { clusterPaths } from '../../../cluster/manifest.js';
import type { ClusterSettings, SchedulerOptions } from '../../../cluster/settings.js';
import { SlurmBackend } from '../../../cluster/slurm/backend.js';
import type { Launched, LaunchListener } from './launcher.js';

const LEAF_MAIN = fileURLToPath(new URL('../../../leaf/main.js', import.meta.url));

/** A cluster leaf's request: the job's resources and the scheduler options in force for it. */
export const resourceRequest = (
  resources: { readonly cores: number; readonly memoryBytes: number; readonly licenses: Readonly<Record<string, number>> },
  options: SchedulerOptions,
): ResourceRequest => ({
  cores: resources.cores,
  memoryBytes: resources.memoryBytes,
  licenses: resources.licenses,
  timeSeconds: options.timeSeconds,
  partition: options.partition,
  account: options.account,
  qos: options.qos,
  extraArgs: options.extraArgs,
});

/** Where an earlier head left a leaf: its submission and how far its spool was ingested. */
export interface LeafResume {
  readonly batch: number;
  readonly index: number;
  readonly offset: number;
}

export class ClusterLauncher {
  readonly run: ClusterRun;

  /** `notice` hears what the run should know about the cluster (a failing squeue, a smaller window). */
  constructor(settings: ClusterSettings, grace: number, interval: number, notice: (text: string) => void) {
    this.run = new ClusterRun(
      {
        name: settings.name,
        paths: clusterPaths(settings.trackingDir),
        transport: settings.transport,
        bind: settings.bind,
        maxQueued: settings.maxQueued,
        submitRate: settings.submitRate,
        pollInterval: settings.pollInterval,
        pollMax: settings.pollMax,
        lostGrace: settings.lostGrace,
        interval,
        grace,
        nodePath: process.execPath,
        leafMain: LEAF_MAIN,
        batchDelayMs: 200,
      },
      new SlurmBackend(),
    );
    this.run.onNotice = (text) => notice(`slurm: ${text}`);
  }

  launch(job: LeafJob, listener: LaunchListener, resume: LeafResume | null): Launched {
    const leafListener = {
      submitted: (clusterId: string) => listener.placed?.(clusterId, null),
      hello: (host: string, clusterId: string) => listener.placed?.(clusterId, host),
      started: (pid: number) => listener.started(pid),
      failed: (code: string, message: string) => listener.failed(code, message, false),
      output: (stream: 0 | 1, chunk: Buffer) => listener.output(stream, chunk),
      sample: (ts: number, nproc: number, cpu: number, rss: number) => listener.sample?.({ ts, nproc, cpu, rss }),
      warning: (text: string) => listener.note?.('WARNING', text),
      timeLimit: (seconds: number | null) => listener.timeLimit?.(seconds),
      ingested: (offset: number) => listener.ingested?.(offset),
      ended: (exitCode: number | null, signal: string | null) => listener.ended(exitCode, signal as NodeJS.Signals | null, false),
      rejected: (message: string) => listener.failed('ESUBMIT', `Slurm refused the job: ${message}`, false),
      withdrawn: () => listener.lost('the run stopped before the job was submitted'),
      lost: (reason: string, tail: string | null) => {
        if (tail !== null) listener.note?.('ERROR', `the end of Slurm's output file for the job:\n${tail}`);
        listener.lost(reason);
      },
    };
    if (resume === null) this.run.launch(job, leafListener);
    else this.run.resume(job, leafListener, resume.batch, resume.index, { offset: resume.offset });
    return {
      // The leaf never blocks on the head: a paused job's frames wait in its spool file.
      pause: () => this.run.setPaused(job.id, true),
      resume: () => this.run.setPaused(job.id, false),
      remote: { stop: (force) => this.run.stop(force) },
      // Its leaf wrapper on the cluster node reads its output and ends it there.
      cut: () => undefined,
    };
  }
}
