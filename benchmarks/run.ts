// `npm run bench [-- --quick]`: runs the workloads W1–W4 in alternation with their baselines,
// then the other benchmark scripts, and writes benchmarks/RESULTS.md. See benchmarks/README.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runAlternated } from './harness/alternate.js';
import { runExternal } from './harness/external.js';
import { machineInfo } from './harness/machine.js';
import { parseOptions, USAGE, type BenchContext, type BenchOptions } from './harness/options.js';
import { GATOR_BIN, ROOT, shown } from './harness/paths.js';
import { renderReport, type ExternalSection } from './harness/report.js';
import { prepareTools } from './harness/tools.js';
import type { Case, CaseResult } from './harness/types.js';
import { evaluateTargets } from './workloads/targets.js';
import { w1Cases } from './workloads/w1-arrays.js';
import { w2Cases } from './workloads/w2-output.js';
import { w3Cases } from './workloads/w3-tree.js';
import { w4Cases } from './workloads/w4-startup.js';

const started = process.hrtime.bigint();
const elapsedS = (): number => Number(process.hrtime.bigint() - started) / 1e9;
const log = (line: string): void => {
  const s = Math.round(elapsedS());
  process.stderr.write(`[bench ${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}] ${line}\n`);
};

/**
 * Groups of cases run in alternation with each other: W3 joins the W1 case of the same size
 * (its target compares the two); the biggest W1 runs last, being the longest.
 */
const schedule = (context: BenchContext): Case[][] => {
  const { options } = context;
  const has = (id: string): boolean => options.only.some((w) => w === id);
  const w1 = has('W1') ? w1Cases(context) : [];
  const w3 = has('W3') ? w3Cases(context) : [];
  const groups: Case[][] = [];
  const small = w1.filter((c) => c.jobs <= 10_000);
  const large = w1.filter((c) => c.jobs > 10_000);
  let w3Placed = false;
  for (const c of small) {
    const join3 = w3.filter((t) => t.jobs === c.jobs);
    w3Placed ||= join3.length > 0;
    groups.push([c, ...join3]);
  }
  if (!w3Placed && w3.length > 0) groups.push(w3);
  if (has('W2')) groups.push(w2Cases(context));
  if (has('W4')) groups.push(w4Cases(context));
  for (const c of large) groups.push([c]);
  return groups;
};

const preflight = (): void => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error('dist/ is missing: run `npm install` (or `npm run build`) first');
  }
  // Also warms the file cache, so the first measured start-up is not a cold one.
  const probe = spawnSync(process.execPath, [GATOR_BIN, '--version'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  if (probe.status !== 0) throw new Error(`\`node bin/gator.js --version\` failed: ${probe.stderr}`);
};

const main = async (options: BenchOptions): Promise<number> => {
  preflight();
  const machine = machineInfo();
  const tools = prepareTools({ install: options.install, log });
  mkdirSync(options.work, { recursive: true });
  mkdirSync(dirname(options.out), { recursive: true });
  const context: BenchContext = { options, parallelMissing: tools.parallelMissing };
  const groups = schedule(context);
  const results: CaseResult[] = [];
  let external: ExternalSection[] = [];
  const write = (pending: string | null): void => {
    const report = renderReport({
      machine,
      options,
      toolNotes: tools.notes,
      results,
      targets: evaluateTargets(results, options),
      external,
      seconds: elapsedS(),
      pending,
    });
    writeFileSync(options.out, report);
  };
  log(`J=${options.slots}, ${groups.flat().length} cases, results to ${shown(options.out)}`);
  for (const [i, group] of groups.entries()) {
    log(`starting ${group.map((c) => c.id).join(' + ')}`);
    results.push(...(await runAlternated(group, { work: options.work, timer: tools.timer, timeoutS: options.timeoutS, log })));
    write(i + 1 < groups.length ? `(${i + 1} of ${groups.length} groups of cases done)` : options.external ? '(the other benchmark scripts)' : null);
  }
  if (options.external) external = await runExternal({ quick: options.externalQuick, timeoutS: options.timeoutS, log });
  write(null);
  for (const target of evaluateTargets(results, options)) {
    process.stdout.write(`${target.status.padEnd(12)} ${target.target}: ${target.measured}${target.margin === '' ? '' : ` [${target.margin}]`}\n`);
  }
  log(`wrote ${shown(options.out)}`);
  const failed = results.some((r) => r.variants.some((v) => v.runs.some((run) => !run.check.ok)));
  return failed ? 1 : 0;
};

let options: BenchOptions | 'help';
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
  process.exit(2);
}
if (options === 'help') {
  process.stdout.write(`${USAGE}\n`);
} else {
  main(options).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 3;
    },
  );
}
