// The baselines the runner is compared with: the same work done by the plainest tools that
// can do it, each as a Variant with a check that the work was really done.
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { logTail } from './measure.js';
import { shown } from './paths.js';
import type { Check, Measurement, Variant } from './types.js';

const exited = (measurement: Measurement): Check =>
  measurement.exitCode === 0
    ? { ok: true }
    : { ok: false, note: measurement.timedOut ? 'timed out' : `exit ${String(measurement.exitCode)}: ${logTail(measurement.log)}` };

const shell = (key: string, label: string, script: string, extra: Partial<Variant> = {}): Variant => ({
  key,
  label,
  role: 'baseline',
  argv: ['sh', '-c', script],
  display: script,
  check: exited,
  ...extra,
});

/** `seq N | xargs -P J -n 1 true`: N processes of `true`, J at a time. */
export const xargsTrue = (n: number, j: number): Variant => shell('xargs', `xargs -P ${j}`, `seq ${n} | xargs -P ${j} -n 1 true`);

/** The same N commands through GNU parallel with J slots. */
export const parallelTrue = (n: number, j: number, missing: string | null, reps?: number): Variant =>
  shell('parallel', `GNU parallel -j ${j}`, `seq ${n} | parallel --will-cite -j ${j} true`, {
    ...(missing === null ? {} : { unavailable: missing }),
    ...(reps === undefined ? {} : { reps }),
  });

/** Bytes `seq lines` prints. */
const seqBytes = (lines: number): number => {
  let bytes = 0;
  for (let width = 1, from = 1; from <= lines; width++, from *= 10) bytes += (Math.min(lines, from * 10 - 1) - from + 1) * (width + 1);
  return bytes;
};

/** The W2 jobs (`seq lines`, `jobs` of them, J at a time) with their output redirected to files. */
export const redirectToFiles = (jobs: number, lines: number, j: number, dir: string): Variant => {
  const script = `seq ${jobs} | xargs -P ${j} -I{} sh -c 'seq ${lines} > ${shown(dir)}/out_{}.txt'`;
  return shell('redirect', `xargs -P ${j}, output > files`, script, {
    before: () => {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
    },
    check: (measurement) => {
      const failed = exited(measurement);
      if (!failed.ok) return failed;
      const bytes = readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
      const expected = jobs * seqBytes(lines);
      return bytes === expected ? { ok: true } : { ok: false, note: `files hold ${bytes} bytes, expected ${expected}` };
    },
    after: () => rmSync(dir, { recursive: true, force: true }),
  });
};

/** Parses the `BENCH {json}` line the bare SQLite loop prints. */
const loopReport = (log: string): { rows: number; insertS: number } | null => {
  const line = logTail(log, 1);
  if (!line.startsWith('BENCH ')) return null;
  const parsed: unknown = JSON.parse(line.slice('BENCH '.length));
  if (typeof parsed !== 'object' || parsed === null) return null;
  const rows = 'rows' in parsed ? parsed.rows : undefined;
  const insertS = 'insertS' in parsed ? parsed.insertS : undefined;
  return typeof rows === 'number' && typeof insertS === 'number' ? { rows, insertS } : null;
};

/** A bare better-sqlite3 loop inserting the W2 rows into the run schema's message table. */
export const sqliteLoop = (jobs: number, lines: number, batch: number, db: string): Variant => {
  const argv = [
    process.execPath,
    '--import',
    'tsx',
    'benchmarks/harness/sqlite-loop.ts',
    '--db',
    db,
    '--jobs',
    String(jobs),
    '--lines',
    String(lines),
    '--batch',
    String(batch),
  ];
  const remove = (): void => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true });
  };
  return {
    key: 'sqlite',
    label: `bare better-sqlite3 loop, ${batch.toLocaleString('en-US')} rows/txn`,
    role: 'baseline',
    argv,
    display: ['node', ...argv.slice(1).map((arg) => (arg === db ? shown(db) : arg))].join(' '),
    before: remove,
    check: (measurement) => {
      const failed = exited(measurement);
      if (!failed.ok) return failed;
      const report = loopReport(measurement.log);
      if (report === null) return { ok: false, note: 'no BENCH line in its output' };
      if (report.rows !== jobs * lines) return { ok: false, note: `${report.rows} rows, expected ${jobs * lines}` };
      return { ok: true, innerS: report.insertS };
    },
    after: remove,
  };
};

/** A bare Node start: `node -e 0`. */
export const nodeStart = (): Variant => ({
  key: 'node',
  label: 'node -e 0',
  role: 'baseline',
  argv: [process.execPath, '-e', '0'],
  display: 'node -e 0',
  check: exited,
});
