// `gator replay [RUN]`: a run's messages from its database, in the live console's line format,
// in time order, filtered; re-played with the original gaps, or followed while the run goes on.
import { setTimeout as sleep } from 'node:timers/promises';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { decideColor } from '../../console/color.js';
import { formatMessagePrefix, type LineStyle } from '../../console/line-format.js';
import { visible } from '../../console/visible.js';
import { SEVERITY_NAMES, STREAM_NAMES, type SeverityName, type StreamName } from '../../vocabulary/codes.js';
import { FilterError } from '../../storage/readers/errors.js';
import { selectNodes } from '../../storage/readers/job-glob.js';
import { readJobs } from '../../storage/readers/jobs.js';
import { runEndTime, runStatus } from '../../storage/readers/liveness.js';
import {
  jobOfKey,
  lastMessageId,
  messagesAfter,
  replayBatchesAsync,
  severityOfKey,
  type MessageBatch,
  type MessageFilter,
} from '../../storage/readers/messages.js';
import { openRun, type RunDb } from '../../storage/readers/open-run.js';
import { readRun } from '../../storage/readers/run-info.js';
import { parseTimeSpec } from '../../storage/readers/time-spec.js';
import { CHUNK_CHARS, OutputSink } from '../output.js';
import { withUserErrors } from '../usage-error.js';

// ---------------------------------------------------------------------------------------------
// Lines: exactly `formatMessageLine`, its prefix computed once per job, severity and second.

/**
 * A message line is `formatMessagePrefix` (which depends only on the whole second, the severity
 * and the path) followed by `visible(text)`; a line is so the cached prefix + the text, several
 * times cheaper than formatting each line.
 */
class LineFormatter {
  readonly #style: LineStyle;
  readonly #paths: ReadonlyMap<number, string>;
  readonly #trustControlFree: boolean;
  // Indexed by message key (job id × 8 + severity index), sized up front so they stay dense.
  readonly #seconds: Float64Array;
  readonly #prefixes: string[];

  constructor(paths: ReadonlyMap<number, string>, style: LineStyle) {
    this.#paths = paths;
    this.#style = style;
    // Batches the reader marks control-free (storage/readers/message-order.ts's set) skip
    // `visible` only if `visible` leaves such text alone: the two character sets must agree.
    const printable = 'tab\there ASCII !"#$%&\'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~ Latin-1 \u00a0é ÿ Unicode ✓ 漢字 \u2028 \u200b \ufeff 𝄞';
    this.#trustControlFree = visible(printable) === printable;
    let maxId = -1;
    for (const id of paths.keys()) maxId = Math.max(maxId, id);
    const size = 8 * (maxId + 1);
    this.#seconds = new Float64Array(size).fill(Number.NaN);
    this.#prefixes = new Array<string>(size).fill('');
  }

  path(jobId: number): string {
    return this.#paths.get(jobId) ?? `#${jobId}`;
  }

  /** Whether a batch's texts can be printed as they are. */
  plain(batch: MessageBatch): boolean {
    return this.#trustControlFree && batch.controlFree;
  }

  /** Appends the line and its newline to `parts`; returns how many characters that added. */
  push(parts: string[], ts: number, key: number, text: string, plain: boolean): number {
    const prefix = this.#prefix(ts, key);
    const shown = plain ? text : visible(text);
    parts.push(prefix, shown, '\n');
    return prefix.length + shown.length + 1;
  }

  #prefix(ts: number, key: number): string {
    const second = Math.floor(ts);
    if (key >= this.#seconds.length) {
      return formatMessagePrefix(ts, severityOfKey(key), this.path(jobOfKey(key)), this.#style);
    }
    if (this.#seconds[key] !== second) {
      this.#prefixes[key] = formatMessagePrefix(ts, severityOfKey(key), this.path(jobOfKey(key)), this.#style);
      this.#seconds[key] = second;
    }
    return this.#prefixes[key] as string;
  }
}

/** One JSON object per message: `{ts, path, job_id, severity, stream, text}`. */
class JsonlFormatter {
  readonly #heads: string[] = [];
  constructor(readonly names: ReadonlyMap<number, string>) {}

  line(ts: number, key: number, stream: StreamName, text: string): string {
    let head = this.#heads[key];
    if (head === undefined) {
      const jobId = jobOfKey(key);
      head = `"path":${JSON.stringify(this.names.get(jobId) ?? `#${jobId}`)},"job_id":${jobId},"severity":"${severityOfKey(key)}"`;
      this.#heads[key] = head;
    }
    return `{"ts":${ts},${head},"stream":"${stream}","text":${JSON.stringify(text)}}`;
  }
}

// ---------------------------------------------------------------------------------------------
// The command.

interface ReplayFlags {
  readonly job: string[];
  readonly severity?: SeverityName;
  readonly grep?: string;
  readonly ignoreCase: boolean;
  readonly stream: StreamName[];
  readonly since?: string;
  readonly until?: string;
  readonly realtime: boolean;
  readonly speed?: number;
  readonly maxGap?: number;
  readonly follow: boolean;
  readonly interval: number;
  readonly jsonl: boolean;
  readonly color?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const parseSeverity = (value: string): SeverityName => {
  const upper = value.toUpperCase();
  const name = upper === 'WARN' ? 'WARNING' : upper === 'FATAL' ? 'CRITICAL' : upper;
  if (!(SEVERITY_NAMES as readonly string[]).includes(name)) throw new InvalidArgumentError(`expected one of ${SEVERITY_NAMES.join(', ')}`);
  return name as SeverityName;
};

const parseStream = (value: string, previous: StreamName[]): StreamName[] => {
  const names = value.split(',').map((name) => name.trim().toLowerCase());
  for (const name of names) if (!(STREAM_NAMES as readonly string[]).includes(name)) throw new InvalidArgumentError(`expected ${STREAM_NAMES.join(', ')}`);
  return [...previous, ...(names as StreamName[])];
};

const parsePositive = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number above 0');
  return n;
};

export function register(program: Command): void {
  program
    .command('replay')
    .description("print a run's messages from its database, as the live console shows them, in time order")
    .argument('[run]', 'a tracking directory, a run.sqlite, or a tracking root (default: ./tracking/latest)')
    .option(
      '--job <glob>',
      'only jobs whose dotted path matches (repeatable); * and ? stay in one segment, ** spans segments; a group selects its subtree',
      collect,
      [],
    )
    .option('--severity <level>', 'only this severity and above: DEBUG, INFO, WARNING, ERROR, CRITICAL', parseSeverity)
    .option('--grep <regex>', 'only lines whose text matches this JavaScript regular expression')
    .option('-i, --ignore-case', 'make --grep ignore case', false)
    .option('--stream <name>', 'only stdout, stderr, api or runtime messages (repeatable, or comma-separated)', parseStream, [])
    .option('--since <time>', "from this time on: unix seconds, ISO time, HH:MM[:SS] on the run's day, 5m (before the run's end) or +5m (after its start)")
    .option('--until <time>', 'up to this time, in the same forms')
    .option('--realtime', 're-play with the original gaps between lines', false)
    .option('--speed <n>', 're-play with the original gaps divided by n', parsePositive)
    .option('--max-gap <seconds>', 'with --realtime/--speed, wait at most this long between lines', parsePositive)
    .option('-f, --follow', "after the existing lines, print new ones as a live run writes them; exit with the run's exit code when it ends", false)
    .option('--interval <ms>', 'with --follow, how often to look for new lines', parsePositive, 150)
    .option('--jsonl', 'one JSON object per line: {ts, path, job_id, severity, stream, text}', false)
    .addOption(new Option('--color', 'force colour').conflicts('noColor'))
    .addOption(new Option('--no-color', 'never colour (NO_COLOR in the environment does the same)'))
    .addHelpText(
      'after',
      [
        '',
        'Filters combine (a line must pass all of them). Lines are in time order (ts, then id); with',
        '--follow, new lines are printed as they arrive. A run that ended has its exit code; a run whose',
        'runner was killed is "cut-off", and --follow then exits with 1.',
        '',
        'Examples:',
        "  gator replay --job 'top.sims.*' --severity ERROR",
        "  gator replay tracking/latest --grep 'seed \\d+' --since 5m",
        '  gator replay --follow --jsonl | jq .text',
      ].join('\n'),
    )
    .action(async (run: string | undefined, flags: ReplayFlags) => {
      await withUserErrors(() => replay(run, flags));
    });
}

async function replay(runArg: string | undefined, flags: ReplayFlags): Promise<void> {
  const run = openRun(runArg);
  const sink = new OutputSink();
  try {
    const info = readRun(run.db, run.dbPath);
    const status = runStatus(info);
    const span = { start: info.startedAt, end: runEndTime(info, status) };
    const jobs = readJobs(run.db);
    const paths = new Map(jobs.map((job) => [job.id, job.path]));
    let grep: RegExp | undefined;
    if (flags.grep !== undefined) {
      try {
        grep = new RegExp(flags.grep, flags.ignoreCase ? 'i' : '');
      } catch (error) {
        throw new FilterError(`--grep: ${(error as Error).message}`, { cause: error });
      }
    }
    let jobIds: number[] | undefined;
    if (flags.job.length > 0) {
      const selected = selectNodes(jobs, flags.job);
      if (selected.size === 0) throw new FilterError(`--job ${flags.job.join(', ')}: no job in this run matches`);
      jobIds = [...selected];
    }
    const filter: MessageFilter = {
      jobIds,
      minSeverity: flags.severity,
      streams: flags.stream.length > 0 ? flags.stream : undefined,
      since: flags.since === undefined ? undefined : parseTimeSpec(flags.since, span, '--since'),
      until: flags.until === undefined ? undefined : parseTimeSpec(flags.until, span, '--until'),
      grep,
    };
    const color = !flags.jsonl && decideColor({ flag: flags.color, env: process.env, isTTY: process.stdout.isTTY === true });
    const print = flags.jsonl ? jsonlPrinter(paths) : textPrinter(paths, color);
    const speed = flags.speed ?? (flags.realtime ? 1 : undefined);
    const pacer = speed === undefined ? null : new Pacer(speed, flags.maxGap ?? Infinity);

    const upTo = lastMessageId(run.db);
    for await (const batch of replayBatchesAsync(run.db, run.dbPath, filter, { upToId: upTo, withStream: flags.jsonl })) {
      if (pacer === null) await print(batch, sink);
      else await pacer.play(batch, print, sink);
      if (sink.closed) return;
    }
    await sink.flush();
    if (flags.follow) process.exitCode = await follow(run, filter, upTo, { intervalMs: flags.interval, withStream: flags.jsonl }, pacer, print, sink);
  } finally {
    await sink.flush();
    run.close();
    // A write error (EPIPE aside) is the command's outcome even when the body also threw.
    // eslint-disable-next-line no-unsafe-finally
    if (sink.error !== null) throw sink.error;
  }
}

type Printer = (batch: MessageBatch, sink: OutputSink, from?: number, to?: number) => Promise<void>;

function textPrinter(paths: ReadonlyMap<number, string>, color: boolean): Printer {
  const lines = new LineFormatter(paths, { color });
  return async (batch, sink, from = 0, to = batch.length) => {
    const { ts, key, text } = batch;
    const plain = lines.plain(batch);
    // Lines gathered as parts and joined once per chunk: fewer intermediate strings than +=.
    let parts: string[] = [];
    let size = 0;
    for (let i = from; i < to; i++) {
      size += lines.push(parts, ts[i] as number, key[i] as number, text[i] as string, plain);
      if (size >= CHUNK_CHARS) {
        sink.add(parts.join(''));
        parts = [];
        size = 0;
        await sink.flush();
        if (sink.closed) return;
      }
    }
    sink.add(parts.join(''));
    if (sink.full) await sink.flush();
  };
}

function jsonlPrinter(paths: ReadonlyMap<number, string>): Printer {
  const lines = new JsonlFormatter(paths);
  return async (batch, sink, from = 0, to = batch.length) => {
    for (let i = from; i < to; i++) {
      sink.add(`${lines.line(batch.ts[i] as number, batch.key[i] as number, batch.stream?.[i] ?? 'stdout', batch.text[i] as string)}\n`);
      if (sink.full) {
        await sink.flush();
        if (sink.closed) return;
      }
    }
  };
}

/** Waits the original gap (divided by the speed, capped) before each line. */
class Pacer {
  #previous: number | null = null;
  constructor(
    readonly speed: number,
    readonly maxGap: number,
  ) {}

  async play(batch: MessageBatch, print: Printer, sink: OutputSink): Promise<void> {
    for (let i = 0; i < batch.length; i++) {
      const ts = batch.ts[i] as number;
      if (this.#previous !== null && ts > this.#previous) {
        const gap = Math.min((ts - this.#previous) / this.speed, this.maxGap);
        await sink.flush();
        if (gap > 0.001) await sleep(gap * 1000);
      }
      this.#previous = Math.max(ts, this.#previous ?? ts);
      await print(batch, sink, i, i + 1);
      if (sink.closed) return;
    }
    await sink.flush();
  }
}

/** Prints lines as they arrive until the run ends; resolves to the exit code to use. */
async function follow(
  run: RunDb,
  filter: MessageFilter,
  afterId: number,
  options: { readonly intervalMs: number; readonly withStream: boolean },
  pacer: Pacer | null,
  print: Printer,
  sink: OutputSink,
): Promise<number> {
  const { intervalMs, withStream } = options;
  let lastId = afterId;
  for (;;) {
    // Read the run row before the messages: once it says the run ended, one more read is complete.
    const info = readRun(run.db, run.dbPath);
    const status = runStatus(info);
    for (;;) {
      const next = messagesAfter(run.db, lastId, filter, { withStream });
      lastId = next.lastId;
      if (pacer === null) await print(next.batch, sink);
      else await pacer.play(next.batch, print, sink);
      await sink.flush();
      if (sink.closed) return 0;
      if (!next.more) break;
    }
    if (status === 'done') return info.exitCode ?? 0;
    if (status === 'cut-off') {
      process.stderr.write(`gator: the run was cut off: its runner stopped without ending it (${run.dbPath})\n`);
      return 1;
    }
    await sleep(intervalMs);
  }
}
