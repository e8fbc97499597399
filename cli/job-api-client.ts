// `gator log` and `gator metric`: how a shell job talks to the job API of the run it is part of
// (the endpoint in $GATOR_PARENT, over the plain HTTP routes). Loaded by bin/gator.js without
// the rest of the CLI, since a script may call it thousands of times: node:http and this file.
//
//   gator log [-s|--severity SEVERITY] MESSAGE...     one message (the words joined by spaces)
//   gator log [-s SEVERITY] -                         each line of stdin is a message
//   gator metric NAME VALUE [NAME VALUE]...           one or more metrics in one request
//   gator metric -                                    each line of stdin is `NAME VALUE`
import { request as httpRequest, Agent } from 'node:http';
import { createInterface } from 'node:readline';
import { finiteNumber, metricNameProblem, ApiError } from '../actors/job/api/protocol.js';

export type JobCommand = 'log' | 'metric';

const SEVERITIES = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];
/** Entries per request when reading stdin: one request per call would dominate. */
const BATCH = 5000;

class ClientError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

const usage = (message: string): ClientError => new ClientError(message, 2);

export interface JobClientIo {
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: NodeJS.ReadableStream;
  readonly stderr: NodeJS.WritableStream;
}

type Payload = { severity: string; message: string } | { name: string; value: number };

interface Parsed {
  readonly fromStdin: boolean;
  readonly severity: string;
  readonly entries: Payload[];
}

const parseSeverity = (value: string | undefined): string => {
  const upper = (value ?? '').trim().toUpperCase();
  if (!SEVERITIES.includes(upper)) throw usage(`--severity must be one of ${SEVERITIES.join(', ')}, not '${value ?? ''}'`);
  return upper;
};

export const metricEntry = (name: string, value: string): Payload => {
  const problem = metricNameProblem(name);
  if (problem !== undefined) throw usage(problem);
  try {
    return { name, value: finiteNumber(value, `the value of metric '${name}'`) };
  } catch (error) {
    if (error instanceof ApiError) throw usage(error.message);
    throw error;
  }
};

/** NAME VALUE or NAME=VALUE, the line of stdin `gator metric -` reads. */
const metricLine = (line: string, at: number): Payload => {
  const m = /^\s*(\S+?)(?:\s*=\s*|\s+)(\S+)\s*$/.exec(line);
  if (m === null) throw usage(`stdin line ${at}: expected NAME VALUE, got '${line.slice(0, 80)}'`);
  return metricEntry(m[1] ?? '', m[2] ?? '');
};

export const parseArgs = (command: JobCommand, argv: readonly string[]): Parsed => {
  let severity = 'INFO';
  const words: string[] = [];
  let options = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (options && arg === '--') {
      options = false;
    } else if (options && command === 'log' && (arg === '-s' || arg === '--severity')) {
      severity = parseSeverity(argv[++i]);
    } else if (options && command === 'log' && arg.startsWith('--severity=')) {
      severity = parseSeverity(arg.slice('--severity='.length));
    } else if (options && arg.startsWith('-') && arg !== '-' && !/^-\d|^-\.\d/.test(arg)) {
      throw usage(`unknown option '${arg}' (gator ${command} --help shows the usage)`);
    } else {
      words.push(arg);
    }
  }
  if (words.length === 1 && words[0] === '-') return { fromStdin: true, severity, entries: [] };
  if (command === 'log') {
    if (words.length === 0) throw usage('gator log needs a MESSAGE (or - to read messages from stdin)');
    return { fromStdin: false, severity, entries: [{ severity, message: words.join(' ') }] };
  }
  if (words.length === 0 || words.length % 2 !== 0) throw usage('gator metric needs NAME VALUE pairs (or - to read NAME VALUE lines from stdin)');
  const entries: Payload[] = [];
  for (let i = 0; i < words.length; i += 2) entries.push(metricEntry(words[i] as string, words[i + 1] as string));
  return { fromStdin: false, severity, entries };
};

/** host:port from GATOR_PARENT, as Gator's own client reads it. */
export const endpointOf = (env: NodeJS.ProcessEnv): { host: string; port: number } => {
  const parent = env['GATOR_PARENT'];
  if (parent === undefined || parent === '') {
    throw usage('GATOR_PARENT is not set: gator log and gator metric talk to the job API of a running job, so run them inside a job of `gator run`');
  }
  const m = /^([^:/\s]+|\[[^\]]+\]):(\d{1,5})$/.exec(parent);
  if (m === null) throw usage(`GATOR_PARENT must be HOST:PORT, not '${parent}'`);
  return { host: (m[1] as string).replace(/^\[|\]$/g, ''), port: Number(m[2]) };
};

const post = (endpoint: { host: string; port: number }, agent: Agent, path: string, body: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: endpoint.host,
        port: endpoint.port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          if (res.statusCode === 200) return resolve();
          let reason = text;
          try {
            reason = (JSON.parse(text) as { reason?: string }).reason ?? text;
          } catch {
            // Not JSON: show it as it came.
          }
          reject(new ClientError(`the job API refused it: ${reason}`, 1));
        });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'ECONNREFUSED' ? 'connection refused: the job it belongs to has ended' : error.message;
      reject(new ClientError(`cannot reach the job API at ${endpoint.host}:${endpoint.port} (${why})`, 1));
    });
    req.end(body);
  });

async function* stdinBatches(command: JobCommand, severity: string, stdin: NodeJS.ReadableStream): AsyncGenerator<Payload[]> {
  let batch: Payload[] = [];
  let at = 0;
  for await (const line of createInterface({ input: stdin, crlfDelay: Infinity })) {
    at++;
    if (line.trim() === '') continue;
    batch.push(command === 'log' ? { severity, message: line } : metricLine(line, at));
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Runs `gator log|metric ARGS`; resolves to the exit code (0 sent, 1 refused or unreachable, 2 usage). */
export async function runJobCommand(command: JobCommand, argv: readonly string[], io: JobClientIo = process): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const parsed = parseArgs(command, argv);
    const endpoint = endpointOf(io.env);
    const path = `/${command}`;
    if (!parsed.fromStdin) {
      await post(endpoint, agent, path, JSON.stringify(parsed.entries.length === 1 ? parsed.entries[0] : parsed.entries));
    } else {
      for await (const batch of stdinBatches(command, parsed.severity, io.stdin)) await post(endpoint, agent, path, JSON.stringify(batch));
    }
    return 0;
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    io.stderr.write(`gator ${command}: ${error.message}\n`);
    return error.exitCode;
  } finally {
    agent.destroy();
  }
}

/** `bin/gator.js`'s entry for `gator log|metric ...` (argv without node and the script). */
export const main = (argv: readonly string[]): Promise<number> => runJobCommand(argv[0] === 'metric' ? 'metric' : 'log', argv.slice(1));
