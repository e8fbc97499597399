import { parseSpec, planRun } from './spec/index.js';
const lines = ['!JobGroup', '  id: top', '  jobs:'];
for (let i = 0; i < 20000; i++) lines.push(`    - !Job {id: j${i}, command: echo, args: [${i}], env: {X: "${i}"}${i ? `, on_pass: [j${i - 1}]` : ''}}`);
const text = lines.join('\n');
let t = performance.now();
const spec = parseSpec(text, 'big.yaml');
console.log('parse ms', (performance.now() - t).toFixed(0));
t = performance.now();
planRun(spec, { specPath: 'big.yaml', launchDir: '/', baseEnv: {} });
console.log('plan ms', (performance.now() - t).toFixed(0));
try { parseSpec('\ufeff!Job {id: a, command: x}\r\n', 'bom.yaml'); console.log('bom ok'); } catch (e) { console.log((e as Error).message); }
try { parseSpec('!Job\r\n  id: a\r\n  command: [x]\r\n', 'crlf.yaml'); } catch (e) { console.log((e as Error).message); }
try { parseSpec('!Job {command: x, resources: [!Cores {id: 3}]}', 'r.yaml'); } catch (e) { console.log((e as Error).message); }
try { parseSpec('!Job {command: x, args: !!str 5}', 'r.yaml'); } catch (e) { console.log((e as Error).message); }
try { parseSpec('!Job {command: !!str 5}', 'r.yaml'); console.log('str tag ok'); } catch (e) { console.log((e as Error).message); }
try { parseSpec('!JobGroup {jobs: [!Job {command: x}, !Job {command: y}]}', 'r.yaml'); console.log('two unnamed ok'); } catch (e) { console.log((e as Error).message); }
try { parseSpec('!JobGroup\n  jobs:\n  - !Job\n    command: x\n  - !Job\n     command: y\n   bad', 'r.yaml'); } catch (e) { console.log((e as Error).message); }
try { parseSpec('!JobGroup {id: g, on_pass: [a], jobs: []}', 'r.yaml'); } catch (e) { console.log((e as Error).message); }
try { parseSpec('!Job {id: a, command: x, cwd: 5}', 'r.yaml'); } catch (e) { console.log((e as Error).message); }
try { parseSpec('!Job {id: a, command: x, resources: !Cores 2}', 'r.yaml'); } catch (e) { console.log((e as Error).message); }
try { parseSpec('!Job {id: a, command: x, env: {1: a}}', 'r.yaml'); } catch (e) { console.log((e as Error).message); }
try { parseSpec('!Job {id: a, command: x, on_fail: [1]}', 'r.yaml'); } catch (e) { console.log((e as Error).message); }
try { parseSpec('!Job [a, {}, null, x, [], [], [], [], [], extra]', 'r.yaml'); } catch (e) { console.log((e as Error).message); }
try { parseSpec('!Job {id: "", command: x}', 'r.yaml'); } catch (e) { console.log((e as Error).message); }
try { parseSpec('!Job {id: "a\\nb", command: x}', 'r.yaml'); } catch (e) { console.log((e as Error).message); }
