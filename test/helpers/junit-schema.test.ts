// The JUnit check itself: it must reject what the schema rejects, or every export test passes vacuously.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { assertValidJunit } from './junit-schema.js';

it('rejects a document the JUnit schema does not allow, and accepts a minimal valid one', async () => {
  await assert.rejects(assertValidJunit('<testsuites><bogus/></testsuites>', 'bogus'), /bogus\.xml is not valid JUnit/);
  await assertValidJunit('<testsuites><testsuite name="s" tests="0" failures="0" errors="0"/></testsuites>', 'minimal');
});
