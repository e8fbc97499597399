// The shell command line that reproduces one job outside gator, exactly as it ran: its working
// directory (created first when the job asked for that), the environment its spec added (the
// seed and parameters included) on top of the caller's, its argv word for word, and stdin
// closed, as the runner gives it. Every word is quoted for a POSIX shell, so pasting the line
// into `sh` runs the same program with the same bytes.
import { shellQuote } from '../../vocabulary/wording.js';
import { FilterError } from './errors.js';
import { selectNodes } from './job-glob.js';
import type { JobRow } from './jobs.js';

export type ReproFacts = Pick<JobRow, 'argv' | 'env' | 'cwd' | 'mkdir'>;

/** The command line, or null when the run database does not record what the job ran. */
export function reproCommand(job: ReproFacts): string | null {
  const argv = job.argv;
  if (argv === null || argv.length === 0 || job.cwd === null) return null;
  const words: string[] = [];
  if (job.mkdir) words.push('mkdir', '-p', '--', shellQuote(job.cwd), '&&');
  words.push('cd', '--', shellQuote(job.cwd), '&&');
  const env = Object.entries(job.env ?? {});
  if (env.length > 0) words.push('env', ...env.map(([name, value]) => shellQuote(`${name}=${value}`)));
  // env(1) takes every leading NAME=VALUE word as a variable: a command with `=` in it goes
  // through `exec` so it is run, not assigned.
  if (env.length > 0 && argv[0]?.includes('=') === true) words.push('sh', '-c', shellQuote('exec "$0" "$@"'));
  words.push(...argv.map(shellQuote), '</dev/null');
  return words.join(' ');
}

/** The one job `pattern` names: an exact path, or a glob that matches a single job. */
export function findOneJob(jobs: readonly JobRow[], pattern: string): JobRow {
  const exact = jobs.find((job) => job.path === pattern);
  if (exact !== undefined) {
    if (exact.kind === 'job') return exact;
    throw new FilterError(`${pattern} is a ${exact.kind}, not a job: give the path of one job under it`);
  }
  const selected = selectNodes(jobs, [pattern]);
  const matched = jobs.filter((job) => job.kind === 'job' && selected.has(job.id));
  const [only] = matched;
  if (matched.length === 1 && only !== undefined) return only;
  if (matched.length === 0) throw new FilterError(`no job in the run matches ${pattern}`);
  const shown = matched.slice(0, 3).map((job) => job.path);
  throw new FilterError(`${pattern} matches ${matched.length} jobs (${shown.join(', ')}${matched.length > 3 ? ', …' : ''}): name one`);
}
