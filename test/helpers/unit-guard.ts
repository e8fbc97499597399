// Loaded before the unit tests (`npm run test:unit`): a unit test starts no child process, so
// any attempt is an error that names the rule instead of a slow, flaky test.
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';

const refuse = (what: string) => (): never => {
  throw new Error(`unit tests start no ${what}: list this test as end-to-end in scripts/test-files.js`);
};
const mutable = childProcess as unknown as Record<string, unknown>;
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) mutable[name] = refuse('child processes');
syncBuiltinESMExports();
