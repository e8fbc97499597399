#!/usr/bin/env node
// Runs the compiled CLI so that start-up never pays for a TypeScript compile.
import { setFlagsFromString } from 'node:v8';

// A small young generation keeps the runner's memory low, and every spawn copies the page
// tables of the whole process: at 200 MB each fork costs ~7x what it does at 70 MB
// (benchmarks/RESULTS.md). Set before anything allocates; worker threads inherit it.
setFlagsFromString('--max-semi-space-size=1');
const { main } = await import('../dist/cli/main.js');

let settled = false;
main(process.argv.slice(2)).then(
  (code) => { settled = true; process.exitCode = code; },
  (error) => {
    settled = true;
    process.stderr.write(`gator: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 3;
  },
);
// Nothing left to wait for, yet no answer: a bug must not pass for success.
process.once('beforeExit', () => {
  if (settled) return;
  process.stderr.write('gator: internal error: the command stopped before it finished\n');
  process.exitCode = 3;
});
