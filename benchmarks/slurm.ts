// The Slurm benchmark: N `true` leaves run by `gator run --scheduler slurm` against N plain
// `sbatch --wrap true` jobs submitted by a shell loop and waited for by polling squeue once a
// second, on the same cluster, alternated, medians quoted. Wall time is submission to the
// last job done; sbatch and squeue calls are counted by PATH shims that log and pass through.
//
//   node --import tsx benchmarks/slurm.ts [--jobs 1000] [--runs 3]
//
// Needs a cluster that answers (.ci/slurm.sh starts the CI one) and the built CLI (dist/).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './harness/stats.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const JOBS = arg('--jobs', 1000);
const RUNS = arg('--runs', 3);

const work = mkdtempSync(join(tmpdir(), 'gator-slurm-bench-'));
const shims = join(work, 'bin');
mkdirSync(shims);
const log = join(work, 'calls.log');
for (const tool of ['sbatch', 'squeue']) {
  const real = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
  writeFileSync(join(shims, tool), `#!/bin/sh\necho ${tool} >> '${log}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
}
const env = { ...process.env, PATH: `${shims}:${process.env.PATH ?? ''}` };

interface Sample {
  readonly wall: number;
  readonly sbatch: number;
  readonly squeue: number;
  readonly ok: boolean;
}

const counted = (run: () => boolean): Sample => {
  writeFileSync(log, '');
  const start = process.hrtime.bigint();
  const ok = run();
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const calls = readFileSync(log, 'utf8').split('\n');
  return { wall, sbatch: calls.filter((c) => c === 'sbatch').length, squeue: calls.filter((c) => c === 'squeue').length, ok };
};

const spec = join(work, 'true.yaml');
writeFileSync(spec, `!JobArray\n  id: bench\n  repeats: ${JOBS}\n  jobs:\n  - !Job\n    id: leaf\n    command: 'true'\n`);

const gatorRun = (n: number): Sample =>
  counted(() => {
    const tracking = join(work, `gator-${n}`);
    const result = spawnSync(
      process.execPath,
      [join(ROOT, 'bin', 'gator.js'), 'run', spec, '--scheduler', 'slurm', '--poll-interval', '1', '--quiet', '--tracking', tracking],
      {
        env,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    rmSync(tracking, { recursive: true, force: true });
    return result.status === 0;
  });

const shellLoop = (n: number): Sample =>
  counted(() => {
    const out = join(work, `loop-${n}`);
    mkdirSync(out);
    const name = `bench-loop-${process.pid}-${n}`;
    const script = `for i in $(seq ${JOBS}); do sbatch --parsable -J ${name} -o ${out}/%j.out --wrap true >/dev/null || exit 1; done
while [ -n "$(squeue -h -n ${name} -t PENDING,RUNNING,CONFIGURING,COMPLETING -o %i)" ]; do sleep 1; done`;
    const result = spawnSync('sh', ['-c', script], { env, stdio: 'inherit' });
    rmSync(out, { recursive: true, force: true });
    return result.status === 0;
  });

const results: { gator: Sample[]; loop: Sample[] } = { gator: [], loop: [] };
for (let n = 0; n < RUNS; n++) {
  // Alternate which goes first, so neither always runs on a cluster warmed by the other.
  const order = n % 2 === 0 ? (['gator', 'loop'] as const) : (['loop', 'gator'] as const);
  for (const which of order) {
    const sample = which === 'gator' ? gatorRun(n) : shellLoop(n);
    results[which].push(sample);
    process.stderr.write(
      `${which} run ${n + 1}: ${sample.wall.toFixed(1)} s, ${sample.sbatch} sbatch, ${sample.squeue} squeue${sample.ok ? '' : ' (FAILED)'}\n`,
    );
  }
}
rmSync(work, { recursive: true, force: true });

const row = (name: string, samples: Sample[]): string => {
  const good = samples.filter((s) => s.ok);
  return `| ${name} | ${median(good.map((s) => s.wall)).toFixed(1)} s | ${good.map((s) => s.wall.toFixed(1)).join(', ')} | ${median(good.map((s) => s.sbatch))} | ${median(good.map((s) => s.squeue))} |`;
};
const ratio = median(results.gator.filter((s) => s.ok).map((s) => s.wall)) / median(results.loop.filter((s) => s.ok).map((s) => s.wall));
process.stdout.write(
  [
    `| ${JOBS} \`true\` leaves | wall (median) | each run | sbatch calls | squeue calls |`,
    '|---|---|---|---|---|',
    row('`gator run --scheduler slurm --poll-interval 1`', results.gator),
    row('shell loop of `sbatch --wrap true`, then `squeue` every 1 s', results.loop),
    '',
    `gator / loop wall: ${ratio.toFixed(2)}`,
    '',
  ].join('\n'),
);
