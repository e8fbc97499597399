// `gator run --scheduler slurm` and its options: where leaf jobs go and how the head treats the
// cluster. Python Gator's spellings work too: `--scheduler slurm --sched-arg partition=debug`.
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Transport } from '../cluster/manifest.js';
import type { ClusterSettings, SchedulerOptions } from '../cluster/settings.js';
import { parseCount, parseSeconds } from './option-parsers.js';

export interface ClusterFlags {
  readonly scheduler: 'local' | 'slurm';
  readonly partition?: string;
  readonly account?: string;
  readonly qos?: string;
  readonly timeLimit?: number;
  readonly sbatchArg: readonly string[];
  readonly schedArg: readonly string[];
  readonly maxQueued: number;
  readonly submitRate: number;
  readonly pollInterval: number;
  readonly lostGrace: number;
  readonly transport: Transport;
  readonly headAddress: string;
}

/** Slurm's wall-clock forms (`D-HH:MM:SS`, `HH:MM:SS`, `MM:SS`, minutes) or `90s`, `30m`, `2h`, `1d`, in seconds. */
export const parseWallTime = (value: string): number => {
  const text = value.trim();
  const unit = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(text);
  if (unit !== null) return Number(unit[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[unit[2] as 's' | 'm' | 'h' | 'd'];
  const clock = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(text);
  if (clock !== null) {
    const [, days, a, b, c] = clock;
    const parts = [a, b, c].filter((part) => part !== undefined).map(Number);
    // Slurm: "minutes", "minutes:seconds", "hours:minutes:seconds", and with days "days-hours[:minutes[:seconds]]".
    let seconds: number;
    if (days !== undefined) seconds = Number(days) * 86400 + (parts[0] ?? 0) * 3600 + (parts[1] ?? 0) * 60 + (parts[2] ?? 0);
    else if (parts.length === 1) seconds = parts[0]! * 60;
    else if (parts.length === 2) seconds = parts[0]! * 60 + parts[1]!;
    else seconds = parts[0]! * 3600 + parts[1]! * 60 + parts[2]!;
    if (seconds > 0) return seconds;
  }
  throw new InvalidArgumentError(`expected a time limit such as 30m, 2h, 1-00:00:00 or 01:30:00, got '${value}'`);
};

const collect = (value: string, previous: readonly string[]): string[] => [...previous, value];

const parseKeyValue = (value: string, previous: readonly string[]): string[] => {
  if (!value.includes('=') && !value.startsWith('-')) throw new InvalidArgumentError(`expected KEY=VALUE (or a raw sbatch flag), got '${value}'`);
  return [...previous, value];
};

const parseRate = (value: string): number => {
  const n = Number(value.replace(/\/s$/, ''));
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected submissions per second (a number > 0), got '${value}'`);
  return n;
};

export const addClusterOptions = (command: Command): Command =>
  command
    .addOption(new Option('--scheduler <name>', 'where leaf jobs run: this machine, or a Slurm cluster').choices(['local', 'slurm']).default('local'))
    .option('--partition <name>', "Slurm partition for every job (a spec node's scheduler: section may override it)")
    .option('--account <name>', 'Slurm account to charge')
    .option('--qos <name>', 'Slurm quality of service')
    .option('--time-limit <time>', "wall-clock limit of each Slurm job (30m, 2h, 1-00:00:00); default: the partition's", parseWallTime)
    .option('--sbatch-arg <arg>', 'a raw sbatch argument for every job, e.g. --sbatch-arg=--constraint=avx2 (repeatable)', collect, [])
    .option(
      '--sched-arg <key=value>',
      "Python Gator's spelling: partition|queue, account, qos, time=...; other keys become --key=value for sbatch (repeatable)",
      parseKeyValue,
      [],
    )
    .option('--max-queued <n>', "most of this run's jobs in the Slurm queue at once, array tasks counted", parseCount, 1000)
    .option('--submit-rate <n>', 'most sbatch calls per second (an array is one call)', parseRate, 20)
    .option('--poll-interval <seconds>', 'seconds between squeue calls for the whole run, backing off while nothing changes', parseSeconds, 10)
    .option('--lost-grace <seconds>', 'seconds a job Slurm reports finished may take to deliver its final report', parseSeconds, 60)
    .addOption(
      new Option('--transport <how>', 'how leaves report to this process: tcp, fs (spool files only) or auto').choices(['tcp', 'fs', 'auto']).default('auto'),
    )
    .option('--head-address <address>', "address leaves connect to over TCP (default loopback; use this host's name for remote nodes)", '127.0.0.1');

/** The scheduler options the flags give every job, `--sched-arg` entries read as Python Gator reads them. */
export const schedulerDefaults = (flags: ClusterFlags): SchedulerOptions => {
  let partition = flags.partition ?? null;
  let account = flags.account ?? null;
  let qos = flags.qos ?? null;
  let timeSeconds = flags.timeLimit ?? null;
  const extraArgs: string[] = [];
  for (const entry of flags.schedArg) {
    if (entry.startsWith('-')) {
      extraArgs.push(entry);
      continue;
    }
    const at = entry.indexOf('=');
    const key = entry.slice(0, at).trim();
    const value = entry.slice(at + 1).trim();
    if (key === 'partition' || key === 'queue') partition = value;
    else if (key === 'account') account = value;
    else if (key === 'qos') qos = value;
    else if (key === 'time') timeSeconds = parseWallTime(value);
    else extraArgs.push(`--${key}=${value}`);
  }
  extraArgs.push(...flags.sbatchArg);
  return { partition, account, qos, timeSeconds, extraArgs };
};

export const clusterSettings = (flags: ClusterFlags, runId: string, trackingDir: string): ClusterSettings => ({
  scheduler: 'slurm',
  name: `gator-${runId.slice(0, 8)}`,
  trackingDir,
  transport: flags.transport,
  bind: flags.headAddress,
  maxQueued: flags.maxQueued,
  submitRate: flags.submitRate,
  pollInterval: Math.max(0.2, flags.pollInterval),
  pollMax: Math.max(flags.pollInterval, 60),
  lostGrace: flags.lostGrace,
  defaults: schedulerDefaults(flags),
});
