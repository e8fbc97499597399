#!/usr/bin/env node
// Lists the test files for `npm test` (all) or `npm run test:unit` (`unit`: no child processes,
// no worker threads, no built CLI). A test that starts the CLI, the spawn server, tmux, a
// browser, a cluster or worker threads is end-to-end: name it below (a file or a folder).
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** End-to-end tests: prefixes of their paths. */
export const END_TO_END = [
  'test/cli/',
  'test/console/gator-run.test.ts',
  'test/console/piped.test.ts',
  'test/console/tty.test.ts',
  'test/console/waiting-tty.test.ts',
  'test/storage/readers/repro.test.ts',
  'test/actors/job/launch/spawn-server.test.ts',
  'test/actors/job/launch/reaper.test.ts',
  'test/console/run-console.test.ts',
  'test/runtime/kernel.test.ts',
  'test/cluster/cluster-run.test.ts',
  'test/benchmarks/',
  'test/hub/',
  'test/spec/hostile.test.ts',
  'test/actors/job/api/',
  'test/verdicts/',
];

const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : walk(path);
    return entry.name.endsWith('.test.ts') ? [relative(ROOT, path)] : [];
  });

/** Test files relative to the repository: all of them, or the unit tests only. */
export const testFiles = (kind = 'all') => {
  const all = walk(join(ROOT, 'test')).sort();
  return kind === 'unit' ? all.filter((file) => !END_TO_END.some((prefix) => file.startsWith(prefix))) : all;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) process.stdout.write(`${testFiles(process.argv[2]).join('\n')}\n`);
