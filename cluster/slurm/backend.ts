// Slurm through its command-line tools, as every mature workflow tool drives it: `sbatch`
// per submission (an array for like leaves), one `squeue` per poll for the whole run (by job
// name, so purged records simply drop out instead of failing the call), one `scancel` by name.
import { execFile } from 'node:child_process';
import type { ClusterBackend, ClusterCalls, ClusterJobStatus, ClusterLimits, SubmitRequest, Submitted } from '../backend.js';
import { SubmitError } from '../backend.js';
import { classifySubmitError, limitsFromConfig, parseConfig, parseParsable, parseSqueue, slurmMessage, SQUEUE_FORMAT } from './parse.js';
import { sbatchArgs, TAG_PREFIX } from './sbatch-args.js';

/** A Slurm command that does not answer within this long is treated as a transient failure. */
const COMMAND_TIMEOUT_MS = 60_000;

interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const run = (command: string, args: readonly string[]): Promise<CommandResult> =>
  new Promise((resolve) => {
    execFile(command, args, { timeout: COMMAND_TIMEOUT_MS, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error === null) {
        resolve({ code: 0, stdout, stderr });
        return;
      }
      const code = typeof error.code === 'number' ? error.code : -1;
      const why =
        typeof error.code === 'string'
          ? `${command}: ${error.code === 'ENOENT' ? 'not found on PATH' : error.code}`
          : error.killed
            ? `${command}: timed out`
            : '';
      resolve({ code, stdout, stderr: `${stderr}${why}` });
    });
  });

/** Whether Slurm's client tools are installed and a controller answers. */
export const slurmAnswers = async (): Promise<boolean> => (await run('sinfo', ['-h', '-o', '%T'])).code === 0;

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
