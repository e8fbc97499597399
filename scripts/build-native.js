// Compiles the spawn server (native/spawn-server.c) into dist/native/gator-spawn. Without a C
// compiler the runner still works: jobs are then spawned by Node itself, only more slowly.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'native', 'spawn-server.c');
const output = join(root, 'dist', 'native', 'gator-spawn');
mkdirSync(dirname(output), { recursive: true });

const compilers = process.env.CC !== undefined ? [process.env.CC] : ['cc', 'gcc', 'clang'];
const failures = [];
for (const compiler of compilers) {
  const result = spawnSync(compiler, ['-O2', '-std=c11', '-Wall', '-Wextra', '-o', output, source], { stdio: 'inherit' });
  if (result.status === 0) process.exit(0);
  failures.push(result.error !== undefined ? `${compiler}: ${result.error.code ?? result.error.message}` : `${compiler} exited with ${result.status}`);
}
console.warn(`gator: could not build the spawn server (${failures.join('; ')}); jobs will be spawned by Node, which is slower.`);
