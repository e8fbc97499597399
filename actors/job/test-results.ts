// After a job with the cocotb parser ends: read the results file cocotb wrote (cocotb cannot set
// the simulator's exit code, so this file is where a failing test shows), and say whether it
// fails the job. The file is `$COCOTB_RESULTS_FILE` (the job's environment) or results.xml in
// the job's working directory, and must have been written while the job ran.
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { readTestResults, ResultsFormatError, type TestCaseResult } from '../../parsers/index.js';
import { testResultsDetail } from '../../vocabulary/wording.js';

export interface TestResultsCheck {
  /** Worded reason the results fail the job, or null when every test passed. */
  readonly failure: string | null;
  /** The test cases read (empty when the file could not be read). */
  readonly tests: readonly TestCaseResult[];
}

/** Clock granularity of file times against ours: a file written in the job's first moment counts. */
const SLACK_MS = 2000;

export const resultsFileOf = (env: Readonly<Record<string, string | undefined>>, cwd: string): string =>
  resolve(cwd, env['COCOTB_RESULTS_FILE'] || 'results.xml');

export function checkTestResults(file: string, startedAtMs: number): TestResultsCheck {
  let text: string;
  try {
    const stat = statSync(file);
    if (stat.mtimeMs + SLACK_MS < startedAtMs) return { failure: testResultsDetail({ kind: 'stale', file }), tests: [] };
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { failure: testResultsDetail({ kind: 'missing', file }), tests: [] };
    return { failure: testResultsDetail({ kind: 'unreadable', file, reason: error instanceof Error ? error.message : String(error) }), tests: [] };
  }
  let tests: TestCaseResult[];
  try {
    tests = readTestResults(text);
  } catch (error) {
    if (!(error instanceof ResultsFormatError)) throw error;
    return { failure: testResultsDetail({ kind: 'unreadable', file, reason: error.message }), tests: [] };
  }
  const failed = tests.filter((t) => t.outcome === 'failed').map((t) => (t.classname === '' ? t.name : `${t.classname}.${t.name}`));
  return { failure: failed.length === 0 ? null : testResultsDetail({ kind: 'failed', file, total: tests.length, failed }), tests };
}
