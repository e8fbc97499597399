import { readdirSync, readFileSync } from 'node:fs';
import { loadSpec } from './spec/index.js';
const dir = 'test/fixtures/specs/bad';
for (const f of readdirSync(dir).sort()) {
  const file = `${dir}/${f}`;
  const [l1, l2] = readFileSync(file, 'utf8').split('\n');
  const expect = l1!.replace(/^# expect: /, ''); const at = l2!.replace(/^# at: /, '');
  try { loadSpec(file); console.log('NO ERROR', f); }
  catch (e) { const m = (e as Error).message; const ok = m.includes(expect) && m.startsWith(`${file}:${at}:`); console.log(ok ? 'ok  ' : 'FAIL', m, ok ? '' : `\n      want ${at} ${expect}`); }
}
