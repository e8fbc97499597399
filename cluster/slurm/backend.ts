// Slurm through its command-line tools, as every mature workflow tool drives it: `sbatch`
// per submission (an array for like leaves), one `squeue` per poll for the whole run (by job
// name, so purged records simply drop out instead of failing the call), one `scancel` by name.
import { spawn } from 'node:child_process';
import type { ClusterBackend, ClusterCalls, ClusterJobStatus, ClusterLimits, SubmitRequest, Submitted } from '../backend.js';
import { SubmitError } from '../backend.js';
import {
  classifySubmitError,
  limitsFromConfig,
  parseConfig,
  parseEndReason,
  parseParsable,
  parseSqueue,
  slurmMessage,
  SQUEUE_FORMAT,
  type EndReason,
} from './parse.js';
import { sbatchArgs, TAG_PREFIX } from './sbatch-args.js';

/** A Slurm command that does not answer within this long is treated as a transient failure. */
const COMMAND_TIMEOUT_MS = 60_000;

interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const run = (command: string, args: readonly string[], timeoutMs = COMMAND_TIMEOUT_MS): Promise<CommandResult> =>
  new Promise((resolve) => {
    // Its own process group: a terminal's Ctrl+C reaches the whole foreground group, and must
    // not kill the scancel that the first Ctrl+C started (nor an sbatch half way through).
    const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    let why = '';
    const timer = setTimeout(() => {
      why = `${command}: timed out`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error: NodeJS.ErrnoException) => {
      why = `${command}: ${error.code === 'ENOENT' ? 'not found on PATH' : (error.code ?? error.message)}`;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      resolve({ code: why === '' ? (code ?? -1) : -1, stdout, stderr: `${stderr}${why}` });
    });
  });

/** Whether Slurm's client tools are installed and a controller answers. */
export const slurmAnswers = async (): Promise<boolean> => (await run('sinfo', ['-h', '-o', '%T'])).code === 0;

/**
 * Why Slurm is stopping job `clusterId` (`123` or `123_4`), asked by its leaf when the SIGTERM
 * arrives: Slurm sends the same signal for a cancel and a time limit, and only the controller
 * knows which (squeue shows the job COMPLETING with `Reason=TimeLimit`, or `None` for a cancel).
 * Null when squeue did not answer within `timeoutMs`: the leaf must report before KillWait ends.
 */
export const slurmEndReason = async (clusterId: string, timeoutMs: number): Promise<EndReason | null> => {
  const result = await run('squeue', ['-h', '-t', 'all', '-j', clusterId, '-o', '%r|%l'], timeoutMs);
  return result.code === 0 ? parseEndReason(result.stdout) : null;
};

export class SlurmBackend implements ClusterBackend {
  readonly kind = 'slurm';
  readonly calls: ClusterCalls = { submit: 0, poll: 0, cancel: 0 };

  async discover(): Promise<ClusterLimits> {
    const result = await run('scontrol', ['show', 'config']);
    if (result.code !== 0) throw new SubmitError('transient', `cannot read Slurm's configuration: ${slurmMessage(result.stderr)}`);
    return limitsFromConfig(parseConfig(result.stdout));
  }

  async submit(request: SubmitRequest): Promise<Submitted> {
    this.calls.submit++;
    const args = sbatchArgs(request, request.script);
    const result = await run('sbatch', args);
    const id = result.code === 0 ? parseParsable(result.stdout) : null;
    if (id === null) {
      const text = `${result.stderr}\n${result.code === 0 ? result.stdout : ''}`;
      throw new SubmitError(classifySubmitError(text), slurmMessage(text));
    }
    return { clusterId: id };
  }

  async poll(name: string): Promise<ClusterJobStatus[]> {
    this.calls.poll++;
    const result = await run('squeue', ['--me', '-h', '-r', '-t', 'all', '-n', name, '-o', SQUEUE_FORMAT]);
    // "Invalid job id" means every record is gone (purged): nothing is listed, which is not an error.
    if (result.code !== 0 && !/invalid job id/i.test(result.stderr)) throw new SubmitError('transient', `squeue failed: ${slurmMessage(result.stderr)}`);
    return parseSqueue(result.stdout, TAG_PREFIX);
  }

  async cancel(name: string): Promise<void> {
    this.calls.cancel++;
    const result = await run('scancel', ['--me', `--name=${name}`]);
    if (result.code !== 0) throw new SubmitError('transient', `scancel failed: ${slurmMessage(result.stderr)}`);
  }
}
