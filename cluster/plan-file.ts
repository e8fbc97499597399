// A run on a cluster keeps its plan beside its database, so that `gator attach` can take the
// run over after its head died, with the same tree, dependencies and commands.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PLAN_FILE = 'plan.json';

export const writeClusterPlan = (trackingDir: string, plan: unknown): void => {
  const dir = join(trackingDir, 'cluster');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, PLAN_FILE), JSON.stringify(plan));
};

/** The stored plan, or null when the run was not a cluster run. */
export const readClusterPlan = (trackingDir: string): unknown => {
  try {
    return JSON.parse(readFileSync(join(trackingDir, 'cluster', PLAN_FILE), 'utf8')) as unknown;
  } catch {
    return null;
  }
};
