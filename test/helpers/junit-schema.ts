// Validates a JUnit document against the schema in test/fixtures/junit.xsd with libxml2
// compiled to WebAssembly (the xmllint-wasm package), so no system xmllint is needed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { REPO_ROOT } from './make-run-db.js';

const XSD = readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'junit.xsd'), 'utf8');

/** Fails the test with libxml2's complaints when `xml` is not a valid JUnit report. */
export const assertValidJunit = async (xml: string, name: string): Promise<void> => {
  const result = await validateXML({ xml: { fileName: `${name}.xml`, contents: xml }, schema: { fileName: 'junit.xsd', contents: XSD } });
  assert.ok(result.valid, `${name}.xml is not valid JUnit:\n${result.errors.map((error) => error.rawMessage).join('\n')}`);
};
