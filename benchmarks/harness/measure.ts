// Runs one command and measures it: wall time by the harness's monotonic clock; CPU (user +
// sys) and peak RSS of the whole process tree by GNU time, which reads the rusage of the
// children it waits for. When GNU time is missing, the shell's `times` builtin gives the
// CPU and the peak RSS is unknown.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { machineBusyS } from './machine.js';
import type { Measurement } from './types.js';

export const GNU_TIME = '/usr/bin/time';
export const TIME_FORMAT = '%e %U %S %M';

export type Timer = 'gnu-time' | 'sh-times';

export interface CommandToMeasure {
  readonly argv: readonly string[];
  readonly cwd: string;
  /** Receives the command's stdout and stderr; `<log>.time` receives the timer's output. */
  readonly log: string;
  readonly timeoutMs: number;
  readonly timer: Timer;
}

interface TreeUsage {
  readonly userS: number;
  readonly sysS: number;
  readonly maxRssBytes: number | null;
}

/** Parses GNU time's `%e %U %S %M` line (the last line: a killed command adds one before it). */
export const parseGnuTime = (text: string): TreeUsage | null => {
  const last = text.trim().split('\n').at(-1) ?? '';
  const match = /^([\d.]+) ([\d.]+) ([\d.]+) (\d+)$/.exec(last.trim());
  if (match === null) return null;
  return { userS: Number(match[2]), sysS: Number(match[3]), maxRssBytes: Number(match[4]) * 1024 };
};

const minutesSeconds = (text: string): number => {
  const match = /^(\d+)m([\d.]+)s$/.exec(text);
  return match === null ? Number.NaN : Number(match[1]) * 60 + Number(match[2]);
};

/** Parses the output of the POSIX `times` builtin: its second line is the children's user and sys. */
export const parseShTimes = (text: string): TreeUsage | null => {
  const children = text.trim().split('\n')[1]?.trim().split(/\s+/) ?? [];
  const userS = minutesSeconds(children[0] ?? '');
  const sysS = minutesSeconds(children[1] ?? '');
  return Number.isNaN(userS) || Number.isNaN(sysS) ? null : { userS, sysS, maxRssBytes: null };
};

const timedArgv = (command: CommandToMeasure, timeFile: string): readonly string[] =>
  command.timer === 'gnu-time'
    ? [GNU_TIME, '-f', TIME_FORMAT, '-o', timeFile, ...command.argv]
    : ['sh', '-c', '"$@"; s=$?; times > "$0"; exit $s', timeFile, ...command.argv];

export const measure = (command: CommandToMeasure): Promise<Measurement> =>
  new Promise((resolve, reject) => {
    const timeFile = `${command.log}.time`;
    const [file, ...args] = timedArgv(command, timeFile);
    if (file === undefined) throw new Error('empty command');
    const out = openSync(command.log, 'w');
    const busyBefore = machineBusyS();
    const start = process.hrtime.bigint();
    // Its own process group, so a timeout can stop the whole tree and nothing else.
    const child = spawn(file, args, { cwd: command.cwd, stdio: ['ignore', out, out], detached: true });
    closeSync(out);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }, command.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const wallS = Number(process.hrtime.bigint() - start) / 1e9;
      const busyAfter = machineBusyS();
      const text = existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '';
      const usage = (command.timer === 'gnu-time' ? parseGnuTime : parseShTimes)(text);
      const userS = usage?.userS ?? Number.NaN;
      const sysS = usage?.sysS ?? Number.NaN;
      const foreign =
        busyBefore === null || busyAfter === null || usage === null
          ? null
          : Math.min(1, Math.max(0, (busyAfter - busyBefore - userS - sysS) / (wallS * availableParallelism())));
      resolve({
        wallS,
        userS,
        sysS,
        maxRssBytes: usage?.maxRssBytes ?? null,
        exitCode: timedOut ? null : code,
        timedOut,
        foreignShare: foreign,
        log: command.log,
      });
    });
  });

/** The last lines of a log, for a failure note. */
export const logTail = (log: string, lines = 3): string => {
  try {
    return readFileSync(log, 'utf8').trim().split('\n').slice(-lines).join(' / ');
  } catch {
    return '';
  }
};
