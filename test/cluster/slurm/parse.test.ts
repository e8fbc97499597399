// Slurm's outputs as recorded on the CI cluster (Slurm 22.05), and the sbatch arguments we build.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeFrame, readFrames, type LeafFrame } from '../../../cluster/frames.js';
import {
  classifySubmitError,
  limitsFromConfig,
  parseConfig,
  parseEndReason,
  parseParsable,
  parseSlurmDuration,
  parseSqueue,
  slurmMessage,
} from '../../../cluster/slurm/parse.js';
import { resourceArgs, slurmTime } from '../../../cluster/slurm/sbatch-args.js';

const NONE = { cores: 0, memoryBytes: 0, licenses: {}, timeSeconds: null, partition: null, account: null, qos: null, extraArgs: [] };

describe('Slurm output parsing', () => {
  it('reads limits from scontrol show config', () => {
    const limits = limitsFromConfig(
      parseConfig('KillWait                = 5 sec\nMaxArraySize            = 101\nMaxJobCount             = 10000\nMinJobAge               = 300 sec\n'),
    );
    assert.deepEqual(limits, { maxArrayTasks: 101, maxJobs: 10000, killWaitSeconds: 5, finishedVisibleSeconds: 300 });
    assert.equal(limitsFromConfig(new Map()).maxArrayTasks, 1001);
  });

  it('reads squeue -r lines: array tasks, plain jobs and a whole cancelled array', () => {
    const text =
      '12_3|RUNNING|None|gator:4\n13|PENDING|Licenses|gator:5\n5|CANCELLED|JobHeldUser|gator:7\n6_[0-4]|PENDING|None|gator:8\n7|RUNNING|None|(null)\n';
    assert.deepEqual(
      parseSqueue(text, 'gator:').map((s) => [s.tag, s.index, s.state, s.reason]),
      [
        ['4', 3, 'running', 'None'],
        ['5', 0, 'pending', 'Licenses'],
        ['7', 0, 'cancelled', 'JobHeldUser'],
        ['8', -1, 'pending', 'None'],
      ],
    );
    assert.equal(parseSqueue('9|OUT_OF_MEMORY|None|gator:1', 'gator:')[0]!.state, 'out-of-memory');
  });

  it('reads durations and why a job is ending (squeue -o %r|%l while Slurm stops it)', () => {
    assert.equal(parseSlurmDuration('1:00'), 60);
    assert.equal(parseSlurmDuration('0:30'), 30);
    assert.equal(parseSlurmDuration('1:30:00'), 5400);
    assert.equal(parseSlurmDuration('2-01:00:05'), 2 * 86400 + 3605);
    assert.equal(parseSlurmDuration('UNLIMITED'), null);
    assert.equal(parseSlurmDuration('NOT_SET'), null);
    // As squeue printed it for a job past --time=1, and for a scancel, on Slurm 22.05.
    assert.deepEqual(parseEndReason('TimeLimit|1:00\n'), { timeLimit: true, seconds: 60 });
    assert.deepEqual(parseEndReason('TimeLimit|UNLIMITED\n'), { timeLimit: true, seconds: null });
    assert.deepEqual(parseEndReason('None|UNLIMITED\n'), { timeLimit: false });
    assert.equal(parseEndReason(''), null);
  });

  it('reads --parsable with and without a cluster suffix', () => {
    assert.equal(parseParsable('1234\n'), '1234');
    assert.equal(parseParsable('1234;gatorci\n'), '1234');
    assert.equal(parseParsable('Submitted batch job 5'), null);
  });

  it('sorts sbatch failures into retry, shrink and give up', () => {
    assert.equal(classifySubmitError('sbatch: error: Batch job submission failed: Socket timed out on send/recv operation'), 'transient');
    assert.equal(classifySubmitError('sbatch: error: QOSMaxSubmitJobPerUserLimit'), 'quota');
    assert.equal(classifySubmitError('sbatch: error: Batch job submission failed: Invalid license specification'), 'permanent');
    assert.equal(
      slurmMessage('sbatch: error: invalid partition specified: nope\nsbatch: error: Batch job submission failed: Invalid partition name specified\n'),
      'invalid partition specified: nope; Invalid partition name specified',
    );
  });
});

describe('sbatch arguments', () => {
  it('maps cores, memory and licences, and never asks for --mem=0', () => {
    assert.deepEqual(resourceArgs(NONE), []);
    assert.deepEqual(resourceArgs({ ...NONE, cores: 2, memoryBytes: 100 * 1024 * 1024, licenses: { vcs: 1 } }), [
      '--ntasks=1',
      '--cpus-per-task=2',
      '--mem=100M',
      '--licenses=vcs:1',
    ]);
    assert.deepEqual(resourceArgs({ ...NONE, memoryBytes: 1 }), ['--mem=1M']);
    assert.deepEqual(resourceArgs({ ...NONE, memoryBytes: 100e6 }), ['--mem=100M']);
    assert.deepEqual(resourceArgs({ ...NONE, memoryBytes: 1.5e9 }), ['--mem=1500M']);
    assert.deepEqual(resourceArgs({ ...NONE, timeSeconds: 90, partition: 'p', account: 'a', qos: 'q' }), [
      '--time=00:02:00',
      '--partition=p',
      '--account=a',
      '--qos=q',
    ]);
  });

  it('writes times as Slurm reads them, rounded up to minutes', () => {
    assert.equal(slurmTime(1), '00:01:00');
    assert.equal(slurmTime(3600), '01:00:00');
    assert.equal(slurmTime(86400 + 61), '1-00:02:00');
  });
});

describe('leaf frames', () => {
  it('round-trips every frame type and stops at a torn frame', () => {
    const frames: LeafFrame[] = [
      { type: 'hello', id: 7, host: 'node1', clusterId: '12_3', pid: 99 },
      { type: 'started', id: 7, pid: 100 },
      { type: 'output', id: 7, stream: 0, chunk: Buffer.from('hello\n') },
      { type: 'output', id: 7, stream: 1, chunk: Buffer.from([0xff, 0x0a]) },
      { type: 'sample', id: 7, ts: 1.5, nproc: 2, cpu: 12.5, rss: 4096 },
      { type: 'warning', id: 7, text: 'stopped' },
      { type: 'time-limit', id: 7, seconds: 120 },
      { type: 'failed', id: 7, code: 'ENOENT', message: 'exec failed' },
      { type: 'ended', id: 7, exitCode: null, signal: 'SIGTERM' },
    ];
    const bytes = Buffer.concat(frames.map(encodeFrame));
    const read = readFrames(bytes);
    assert.deepEqual(
      read.frames.map((f) => f.frame),
      frames,
    );
    assert.equal(read.rest, bytes.length);
    const torn = readFrames(bytes.subarray(0, bytes.length - 3));
    assert.equal(torn.frames.length, frames.length - 1);
  });
});
