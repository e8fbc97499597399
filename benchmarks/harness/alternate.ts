// Runs cases in alternation: round r runs every variant of every case once (in an order
// rotated by r), so the runner and its baselines see the same machine conditions; then the
// runs of each variant are summarised by their medians.
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { measure, type Timer } from './measure.js';
import { ROOT } from './paths.js';
import { medianOrNull, spread } from './stats.js';
import type { Case, CaseResult, Check, Run, Summary, Variant } from './types.js';

export interface AlternationSettings {
  readonly work: string;
  readonly timer: Timer;
  readonly timeoutS: number;
  readonly log: (line: string) => void;
}

const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

const rotate = <T>(items: readonly T[], by: number): T[] =>
  items.length === 0 ? [] : [...items.slice(by % items.length), ...items.slice(0, by % items.length)];

export const summarise = (testCase: Case, runs: readonly Run[]): Summary | null => {
  const good = runs.filter((run) => run.check.ok);
  if (good.length === 0) return null;
  const workS = spread(good.map((run) => run.check.innerS ?? run.measurement.wallS)).median;
  return {
    wallS: spread(good.map((run) => run.measurement.wallS)),
    cpuS: spread(good.map((run) => run.measurement.userS + run.measurement.sysS)),
    maxRssBytes: medianOrNull(good.map((run) => run.measurement.maxRssBytes)),
    workS,
    foreignShare: medianOrNull(good.map((run) => run.measurement.foreignShare)),
    jobsPerS: testCase.jobs > 0 ? testCase.jobs / workS : null,
    linesPerS: testCase.lines > 0 ? testCase.lines / workS : null,
  };
};

const runOnce = async (testCase: Case, variant: Variant, rep: number, settings: AlternationSettings): Promise<Run> => {
  variant.before?.();
  const measurement = await measure({
    argv: variant.argv,
    cwd: ROOT,
    log: join(settings.work, 'logs', `${slug(testCase.id)}-${variant.key}-${rep}.log`),
    timeoutMs: settings.timeoutS * 1000,
    timer: settings.timer,
  });
  let check: Check;
  try {
    check = variant.check?.(measurement) ?? (measurement.exitCode === 0 ? { ok: true } : { ok: false, note: `exit ${String(measurement.exitCode)}` });
  } catch (error) {
    check = { ok: false, note: `check failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  variant.after?.();
  return { rep, measurement, check };
};

/** Runs the cases together, round by round; a case with fewer repetitions sits out the later rounds. */
export const runAlternated = async (cases: readonly Case[], settings: AlternationSettings): Promise<CaseResult[]> => {
  mkdirSync(join(settings.work, 'logs'), { recursive: true });
  const loadAtStart = loadavg();
  const runs = new Map<Variant, Run[]>();
  const rounds = Math.max(0, ...cases.map((c) => c.reps));
  for (let rep = 0; rep < rounds; rep++) {
    const slots = cases
      .filter((c) => rep < c.reps)
      .flatMap((c) => c.variants.filter((v) => v.unavailable === undefined && rep < (v.reps ?? c.reps)).map((v) => ({ c, v })));
    for (const { c, v } of rotate(slots, rep)) {
      const run = await runOnce(c, v, rep, settings);
      runs.set(v, [...(runs.get(v) ?? []), run]);
      const m = run.measurement;
      settings.log(
        `${c.id} rep ${rep + 1}/${Math.min(c.reps, v.reps ?? c.reps)} ${v.label}: ${m.wallS.toFixed(2)} s wall, ${(m.userS + m.sysS).toFixed(2)} s CPU` +
          `${m.maxRssBytes === null ? '' : `, ${(m.maxRssBytes / 1e6).toFixed(0)} MB`}${run.check.ok ? '' : ` FAILED: ${run.check.note ?? ''}`}`,
      );
    }
  }
  return cases.map((c) => ({
    case: c,
    loadAtStart,
    variants: c.variants.map((variant) => {
      const own = runs.get(variant) ?? [];
      return { variant, runs: own, summary: summarise(c, own) };
    }),
  }));
};
