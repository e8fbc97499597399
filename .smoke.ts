import { readdirSync } from 'node:fs';
import { loadSpec, planRun } from './spec/index.js';
for (const f of readdirSync('test/fixtures/specs/good')) {
  const file = `test/fixtures/specs/good/${f}`;
  try { const s = loadSpec(file); const p = planRun(s, { specPath: file, launchDir: '/launch', baseEnv: { PATH: '/usr/bin', HOME: '/home/u', TOOL: 'simx' } }); console.log(f, p.nodes.length, p.jobCount); if (f === 'env.yaml' || f==='positional.yaml') for (const n of p.nodes) console.log('  ', n.path, JSON.stringify(n.deps), n.kind === 'job' ? JSON.stringify([n.command, n.args, n.env, n.cwd, n.resources]) : ''); }
  catch (e) { console.log(f, 'ERR', (e as Error).message); }
}
