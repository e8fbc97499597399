// The documents say what the code does: every exit code, and how to run gator from elsewhere.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { VIEW_DOCS } from '../../storage/readers/view-docs.js';
import { ExitCode } from '../../vocabulary/codes.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');
const RUN_EXIT_CODES = [ExitCode.success, ExitCode.failure, ExitCode.internal, ExitCode.interrupted];

test("the run view's exit_code is documented with every code a run can end with", () => {
  const row = read('docs/database.md')
    .split('\n')
    .find((line) => line.startsWith('| `exit_code` | the runner'));
  assert.ok(row !== undefined);
  const viewDoc = VIEW_DOCS.run.columns['exit_code'] ?? '';
  for (const code of RUN_EXIT_CODES) {
    assert.match(row, new RegExp(`\\b${code}\\b`), `docs/database.md lacks ${code}`);
    assert.match(viewDoc, new RegExp(`\\b${code}\\b`), `view-docs lacks ${code}`);
  }
});

test('the README lists every exit code and says how to run gator from another project', () => {
  const readme = read('README.md');
  for (const code of Object.values(ExitCode)) assert.match(readme, new RegExp(`\\b${code} [a-z]`), `README lacks exit code ${code}`);
  assert.match(readme, /npm install --global/);
  assert.match(readme, /npm link/);
  assert.match(readme, /npx --prefix \/path\/to\/gator-node gator run/);
});
