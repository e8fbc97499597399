// `npm run test:unit`: every unit test file (scripts/test-files.js) in this one process, one
// TypeScript load instead of one per file, after the guard that refuses child processes.
import './unit-guard.js';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { testFiles } from '../../scripts/test-files.js';

const ROOT = join(import.meta.dirname, '..', '..');
for (const file of testFiles('unit')) await import(pathToFileURL(join(ROOT, file)).href);
