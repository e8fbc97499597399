#!/usr/bin/env node
// Runs the compiled CLI so that start-up never pays for a TypeScript compile.
import { setFlagsFromString } from 'node:v8';

// The runner's memory at 100,000 jobs is mostly garbage that V8 lets pile up between
// collections (every thread has its own heap): a small young generation and an old generation
// that grows by 15% instead of V8's default factor of up to 4 keep the whole runner under
// 300 MB there at no measurable cost in speed (benchmarks/RESULTS.md). Set before anything
// allocates; worker threads inherit them. The commands that only read a run are short-lived
// and allocate fast (a replay makes millions of strings): they keep V8's defaults.
if (!['replay', 'query', 'report', 'runs', 'hub'].includes(process.argv[2])) {
  setFlagsFromString('--max-semi-space-size=1');
  setFlagsFromString('--heap-growing-percent=15');
}
// `gator log` and `gator metric` run inside jobs, often thousands of times: they load only their
// own small module, not the CLI (--help loads the CLI, which describes them).
const jobCommand = ['log', 'metric'].includes(process.argv[2]) && !process.argv.some((a) => a === '-h' || a === '--help');
const { main } = await import(jobCommand ? '../dist/cli/job-api-client.js' : '../dist/cli/main.js');

let settled = false;
main(process.argv.slice(2)).then(
  (code) => {
    settled = true;
    process.exitCode = code;
  },
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
