// A batch manifest: what every task of one submission runs. The head writes it before the
// submission; the leaf reads its own entry by task index. Keeping commands here rather than in
// the batch script keeps scripts tiny (Slurm rejects scripts over 4 MB) and argv exact.
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

export type Transport = 'tcp' | 'fs' | 'auto';

export interface LeafTask {
  /** The job's node id in the run database. */
  readonly id: number;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The spec's environment overlay; the leaf puts it over the environment Slurm gives it. */
  readonly env: Readonly<Record<string, string>>;
}

export interface BatchManifest {
  readonly spoolDir: string;
  readonly headFile: string;
  readonly transport: Transport;
  /** Seconds between resource samples. */
  readonly interval: number;
  /** Seconds between SIGTERM and SIGKILL when Slurm stops the leaf. */
  readonly grace: number;
  /** The tasks' wall-clock limit in seconds, when they have one. */
  readonly timeSeconds?: number | null;
  readonly tasks: readonly LeafTask[];
}

/** Where a run keeps what the cluster side needs, under its tracking directory. */
export interface ClusterPaths {
  readonly root: string;
  readonly spoolDir: string;
  readonly batchDir: string;
  readonly outputDir: string;
  readonly headFile: string;
  readonly script: string;
}

export const clusterPaths = (trackingDir: string): ClusterPaths => {
  const root = join(trackingDir, 'cluster');
  return {
    root,
    spoolDir: join(root, 'spool'),
    batchDir: join(root, 'batches'),
    outputDir: join(root, 'slurm'),
    headFile: join(root, 'head.json'),
    script: join(root, 'leaf.sh'),
  };
};

export const manifestPath = (batchDir: string, batch: number): string => join(batchDir, `${batch}.json`);

export const writeManifest = (path: string, manifest: BatchManifest): void => {
  const temp = `${path}.tmp`;
  writeFileSync(temp, JSON.stringify(manifest));
  renameSync(temp, path);
};

export const readManifest = (path: string): BatchManifest => JSON.parse(readFileSync(path, 'utf8')) as BatchManifest;
