// Finds a Python 3 that can `import websockets` (Debian's python3-websockets, which .ci/run
// installs), so tests of the Gator-compatible job API can run a real Python client.
import { spawnSync } from 'node:child_process';

let found: string | null | undefined;

/** The interpreter's path, or null when none has the websockets package (the test then says it skipped). */
export const pythonWithWebsockets = (): string | null => {
  if (found !== undefined) return found;
  found = null;
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(candidate, ['-c', 'import websockets, sys; print(sys.executable)'], { encoding: 'utf8' });
    if (probe.status === 0) {
      found = probe.stdout.trim() || candidate;
      break;
    }
  }
  return found;
};

export const PYTHON_SKIP = 'no python3 with the websockets package (apt-get install python3-websockets; .ci/run installs it)';
