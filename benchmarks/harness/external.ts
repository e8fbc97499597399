// The other engineers' benchmark scripts (when present), run as subprocesses; their stdout
// is markdown that goes into RESULTS.md in a section of its own.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.js';
import type { ExternalSection } from './report.js';

export const EXTERNAL_SCRIPTS = ['benchmarks/replay.ts', 'benchmarks/progress-overhead.ts', 'benchmarks/hub.ts', 'benchmarks/verdicts.ts'] as const;

const runScript = (script: string, quick: boolean, timeoutS: number): Promise<ExternalSection> =>
  new Promise((resolve) => {
    const args = ['--import', 'tsx', script, ...(quick ? ['--quick'] : [])];
    const start = process.hrtime.bigint();
    // Own process group, so a timeout stops the script's whole tree and nothing else.
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    let markdown = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (markdown += text));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }, timeoutS * 1000);
    const done = (exitCode: number | null, extra: string): void => {
      clearTimeout(timer);
      resolve({ script, command: ['node', ...args].join(' '), exitCode, seconds: Number(process.hrtime.bigint() - start) / 1e9, markdown: markdown + extra });
    };
    child.on('error', (error) => done(null, `\n(could not start: ${error.message})\n`));
    child.on('close', (code, signal) => done(code, signal === null ? '' : `\n(killed by ${signal})\n`));
  });

export const runExternal = async (options: {
  readonly quick: boolean;
  readonly timeoutS: number;
  readonly log: (line: string) => void;
}): Promise<ExternalSection[]> => {
  const sections: ExternalSection[] = [];
  for (const script of EXTERNAL_SCRIPTS) {
    if (!existsSync(join(ROOT, script))) continue;
    options.log(`running ${script}${options.quick ? ' --quick' : ''}`);
    sections.push(await runScript(script, options.quick, options.timeoutS));
  }
  return sections;
};
