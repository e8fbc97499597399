// The leaf wrapper: what each cluster task runs (`node dist/leaf/main.js MANIFEST [INDEX]`).
// It starts its job's command through the spawn server where that was built (else Node's
// child_process), samples the job's process tree, and reports output bytes, samples and the
// exit as frames: always appended to the job's spool file on the shared filesystem, and also
// sent over TCP to the head when the head can be reached. It exits with the job's status.
// Slurm's SIGTERM (a cancel or a time limit) stops the job's process group (SIGKILL after the
// grace); before the final frame the leaf says why, having asked Slurm: a time limit as a
// `time-limit` frame (the head judges the job a timeout), anything else as a runtime WARNING.
import { hostname } from 'node:os';
import { LeafChannel } from '../cluster/channel.js';
import { encodeFrame, type LeafFrame } from '../cluster/frames.js';
import { readManifest } from '../cluster/manifest.js';
import { SpoolWriter, spoolPath } from '../cluster/spool.js';
import { createLauncher } from '../actors/job/launch/launcher.js';
import { createSampler } from '../actors/job/sampler.js';
import { ProcessGroups, type GroupSignal, type SignalReason } from '../actors/process-groups.js';
import { slurmEndReason } from '../cluster/slurm/backend.js';
import { slurmMinutes } from '../cluster/slurm/sbatch-args.js';
import { schedulerStoppedLine } from '../vocabulary/wording.js';

const [manifestFile, indexText] = process.argv.slice(2);
if (manifestFile === undefined) {
  process.stderr.write('usage: leaf MANIFEST [TASK_INDEX]\n');
  process.exit(2);
}
const manifest = readManifest(manifestFile);
const index = Number(indexText ?? process.env.SLURM_ARRAY_TASK_ID ?? 0);
const task = manifest.tasks[index];
if (task === undefined) {
  process.stderr.write(`leaf: ${manifestFile} has no task ${index}\n`);
  process.exit(2);
}

const spool = new SpoolWriter(spoolPath(manifest.spoolDir, task.id));
const channel = manifest.transport === 'fs' ? null : new LeafChannel(manifest.headFile);

const emit = (frame: LeafFrame): void => {
  const bytes = encodeFrame(frame);
  const start = spool.append(bytes);
  channel?.send(bytes, start);
};

const jobId = process.env.SLURM_JOB_ID ?? '';
const arrayJob = process.env.SLURM_ARRAY_JOB_ID;
const clusterId = arrayJob !== undefined && process.env.SLURM_ARRAY_TASK_ID !== undefined ? `${arrayJob}_${process.env.SLURM_ARRAY_TASK_ID}` : jobId;
emit({ type: 'hello', id: task.id, host: hostname(), clusterId, pid: process.pid });

let pid: number | null = null;
let stopping = false;
let finished = false;
const sampler = createSampler(manifest.interval);
const processGroups = new ProcessGroups();

const signalJob = (signal: GroupSignal, reason: SignalReason): void => {
  if (pid !== null) processGroups.signal(pid, signal, reason);
};

/** How long the leaf asks Slurm why it is stopping: well inside KillWait (30 s by default), after which Slurm SIGKILLs the leaf too. */
const ASK_MS = 3000;
/** Settles once the leaf has said why the job is stopping; the final frame waits for it. */
let stopSaid: Promise<void> = Promise.resolve();

/** Stops the job at once; `say` makes the frame that tells the head why, emitted when known. */
const stop = (say: () => Promise<LeafFrame>): void => {
  if (stopping || finished) return;
  stopping = true;
  signalJob('SIGTERM', 'stop');
  setTimeout(() => signalJob('SIGKILL', 'grace-expired'), manifest.grace * 1000).unref();
  stopSaid = say().then(emit);
};
const begun = Date.now();
const warning = (why: string): LeafFrame => ({ type: 'warning', id: task.id, text: schedulerStoppedLine(why, manifest.grace) });
/**
 * Slurm sends the same SIGTERM for a cancel and a time limit: the controller tells them apart
 * (`Reason=TimeLimit`, and the limit). Where it does not answer in time, the clock does: the
 * task ran for the whole `--time` it was given.
 */
const whySlurmStops = async (): Promise<LeafFrame> => {
  const asked = clusterId === '' ? null : await slurmEndReason(clusterId, ASK_MS);
  const limit = manifest.timeSeconds;
  const given = limit === undefined || limit === null || limit <= 0 ? null : slurmMinutes(limit) * 60;
  const timeLimit = asked === null ? given !== null && (Date.now() - begun) / 1000 >= given - 5 : asked.timeLimit;
  if (!timeLimit) return warning('cancelled');
  return { type: 'time-limit', id: task.id, seconds: (asked?.timeLimit === true ? asked.seconds : null) ?? given };
};
process.on('SIGTERM', () => stop(whySlurmStops));
process.on('SIGINT', () => stop(() => Promise.resolve(warning('interrupted'))));
process.on('SIGUSR2', () => stop(() => Promise.resolve(warning('time limit near'))));

let ending = false;

const finish = async (exitCode: number | null, signal: NodeJS.Signals | null): Promise<void> => {
  if (finished || ending) return;
  ending = true;
  // Slurm's SIGTERM reaches the job and the leaf at once, and the job's end may be seen first:
  // a job killed by a signal waits a moment, so the leaf's own SIGTERM can say why first.
  if (!stopping && (signal !== null || (exitCode ?? 0) > 128)) await new Promise((resolve) => setTimeout(resolve, 300));
  await stopSaid;
  finished = true;
  if (pid !== null) sampler.unwatch(pid);
  // Whatever the job left in its group must not outlive the task.
  signalJob('SIGKILL', 'stragglers');
  emit({ type: 'ended', id: task.id, exitCode, signal });
  spool.close();
  await channel?.close();
  process.exit(exitCode ?? 1);
};

createLauncher().launcher.launch(
  { command: task.command, args: task.args, cwd: task.cwd, env: { ...process.env, ...task.env } },
  {
    started: (started) => {
      pid = started;
      emit({ type: 'started', id: task.id, pid: started });
      sampler.watch(started, (sample) => emit({ type: 'sample', id: task.id, ...sample }));
      if (stopping) signalJob('SIGTERM', 'stop');
    },
    failed: (code, message) => {
      emit({ type: 'failed', id: task.id, code, message });
      finished = true;
      spool.close();
      void channel?.close().then(() => process.exit(127));
    },
    output: (stream, chunk) => emit({ type: 'output', id: task.id, stream, chunk }),
    ended: (exitCode, signal) => void finish(exitCode, signal),
    // Slurm's SIGTERM reaches every process of the task, the spawn server too, and its death
    // may be seen before the leaf's own signal handler runs: wait a moment to tell the two apart.
    lost: (reason) =>
      void setTimeout(() => {
        // Then the job got the same SIGTERM, and that is its end.
        if (stopping) {
          void finish(null, 'SIGTERM');
          return;
        }
        emit({ type: 'warning', id: task.id, text: `the leaf lost its job: ${reason}` });
        void finish(null, 'SIGKILL');
      }, 500),
  },
);
