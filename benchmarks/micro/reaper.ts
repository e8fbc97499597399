// How the Node launcher keeps its jobs from outliving a runner that is SIGKILLed: the options
// measured side by side. A reaper process holding the list of live process groups (a /bin/sh
// script, the one chosen; or a Node process), against a parent-death signal set on each job by
// an exec wrapper (util-linux `setpriv --pdeathsig KILL`), which costs an exec per job and
// reaches only the job's own process, not the rest of its group.
// Usage: node --import tsx benchmarks/micro/reaper.ts [--jobs 200]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AWK_REAPER, SH_REAPER, reaperScript } from '../../actors/job/launch/reaper.js';

const JOBS = Number(process.argv[process.argv.indexOf('--jobs') + 1] ?? 200) || 200;
const TICK = 100; // clock ticks per second in /proc/<pid>/stat (USER_HZ)

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (startNs: bigint): number => Number(process.hrtime.bigint() - startNs) / 1e6;
const kib = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))?.[1] ?? 0);
const cpuMs = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / TICK) * 1000;
};
const exited = (child: ChildProcess): Promise<void> => new Promise((resolve) => child.once('exit', () => resolve()));
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return false;
  }
};

const NODE_REAPER = `const groups = new Set(); let rest = '';
process.stdin.on('data', (d) => { const lines = (rest + d).split('\\n'); rest = lines.pop();
  for (const l of lines) { const [op, p] = l.split(' '); if (op === '+') groups.add(+p); else groups.delete(+p); } });
process.stdin.on('end', () => { for (const p of groups) try { process.kill(-p, 'SIGKILL'); } catch {} });`;

interface Reaper {
  readonly name: string;
  readonly command: readonly string[];
}
const REAPERS: Reaper[] = [
  { name: '/bin/sh reaper (read loop)', command: ['/bin/sh', '-c', reaperScript(SH_REAPER)] },
  { name: 'awk reaper', command: ['/bin/sh', '-c', reaperScript(AWK_REAPER)] },
  { name: 'Node reaper', command: [process.execPath, '-e', NODE_REAPER] },
];

/** Start-up, memory, the CPU it takes per registered job, and how fast it kills once its writer is gone. */
/** Start is until the reaper process exists (fork and exec), not until it has read a line. */
const measureReaper = async (reaper: Reaper): Promise<string> => {
  const starts: number[] = [];
  let rss = 0;
  let perJobUs = 0;
  let killMs = 0;
  for (let round = 0; round < 3; round++) {
    const t0 = process.hrtime.bigint();
    const child = spawn(reaper.command[0]!, reaper.command.slice(1), { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    const gone = exited(child);
    await new Promise((resolve) => child.once('spawn', resolve));
    starts.push(ms(t0));
    const jobs = Array.from({ length: JOBS }, () => spawn('sleep', ['300'], { detached: true, stdio: 'ignore' }));
    const before = cpuMs(child.pid!);
    for (const job of jobs) child.stdin.write(`+ ${job.pid}\n`);
    // Half of them end and are forgotten, as jobs do during a run.
    for (const job of jobs.slice(0, JOBS / 2)) {
      job.kill('SIGKILL');
      child.stdin.write(`- ${job.pid}\n`);
    }
    // Registrations of a long run: groups that come and go (ids no process has).
    const churn = 20_000;
    for (let i = 0; i < churn; i++) child.stdin.write(`+ ${4_000_000 + i}\n- ${4_000_000 + i}\n`);
    await new Promise((resolve) => child.stdin.write('', resolve));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    rss = Math.max(rss, kib(child.pid!));
    perJobUs = ((cpuMs(child.pid!) - before) * 1000) / (JOBS * 1.5 + 2 * churn);
    const killed = process.hrtime.bigint();
    child.stdin.end();
    const left = jobs.slice(JOBS / 2);
    while (left.some((job) => alive(job.pid!))) await new Promise((resolve) => setTimeout(resolve, 5));
    killMs = ms(killed);
    await gone;
  }
  return `| ${reaper.name} | ${median(starts).toFixed(1)} ms | ${(rss / 1024).toFixed(1)} MiB | ${perJobUs.toFixed(1)} µs | ${killMs.toFixed(0)} ms for ${JOBS / 2} groups |`;
};

/** A job started directly, or through a wrapper that sets a parent-death signal first. */
const measureExec = async (): Promise<string> => {
  const time = async (command: string, args: string[]): Promise<number> => {
    const t0 = process.hrtime.bigint();
    await new Promise((resolve) => spawn(command, args, { stdio: 'ignore' }).once('close', resolve));
    return ms(t0);
  };
  const direct: number[] = [];
  const wrapped: number[] = [];
  for (let i = 0; i < JOBS; i++) {
    direct.push(await time('true', []));
    wrapped.push(await time('setpriv', ['--pdeathsig', 'KILL', 'true']));
  }
  // What the signal reaches: the job's own process, not what it started in its group.
  const pidFile = join(mkdtempSync(join(tmpdir(), 'gator-reaper-')), 'child');
  spawnSync('sh', ['-c', `setpriv --pdeathsig KILL sh -c 'sleep 300 & echo $! > ${pidFile}; wait' & sleep 0.3; kill -9 $$`], { stdio: 'ignore' });
  const orphan = Number(readFileSync(pidFile, 'utf8').trim());
  await new Promise((resolve) => setTimeout(resolve, 300));
  const survived = alive(orphan);
  if (survived) process.kill(orphan, 'SIGKILL');
  return [
    `| start a job directly | ${median(direct).toFixed(2)} ms |`,
    `| through \`setpriv --pdeathsig KILL\` | ${median(wrapped).toFixed(2)} ms (+${(median(wrapped) - median(direct)).toFixed(2)} ms a job) |`,
    '',
    `A job's child in its group after the wrapper's parent died: ${survived ? 'still running (the parent-death signal reaches only the job itself)' : 'killed'}.`,
  ].join('\n');
};

const setpriv = spawnSync('setpriv', ['--version']);
console.log(`Reapers, ${JOBS} jobs registered and half of them forgotten, then 20,000 groups added and removed; 3 rounds (medians):\n`);
console.log('| reaper | start | RSS | CPU per registration | kill after the runner is gone |\n|---|---|---|---|---|');
for (const reaper of REAPERS) console.log(await measureReaper(reaper));
console.log('');
if (setpriv.status === 0) console.log(`${await measureExec()}\n`);
else console.log('setpriv is not installed: the parent-death wrapper was not measured.');
