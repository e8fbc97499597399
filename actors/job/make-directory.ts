// `mkdir -p` for a job's working directory (`mkdir: true`). Not mkdirSync's own `recursive`:
// on Node 20 it loops forever when a directory cannot be made because the file system says
// ENOENT for a parent that exists (measured: `mkdirSync('/proc/x/y', { recursive: true })`
// never returns), which would hang the job thread. This walks up once, then creates each
// missing directory top-down, so it ends after at most one step per path component.
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const code = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

/** Creates `dir` and any missing parents; throws the first error as the OS gave it. */
export function makeDirectory(dir: string): void {
  const missing: string[] = [];
  for (let at = resolve(dir); ;) {
    try {
      if (statSync(at).isDirectory()) break;
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${at}'`), { code: 'ENOTDIR' });
    } catch (error) {
      if (code(error) !== 'ENOENT') throw error;
    }
    missing.push(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const path of missing.reverse()) {
    try {
      mkdirSync(path);
    } catch (error) {
      // Another job of the run made it meanwhile.
      if (code(error) !== 'EEXIST') throw error;
    }
  }
}
