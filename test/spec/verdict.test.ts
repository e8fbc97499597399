// The verdict fields (parsers, patterns, limits, stderr) read from YAML and inherited down the
// tree into each planned job.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSpec, planRun, type Plan, type PlannedJob } from '../../spec/index.js';
import { Severity } from '../../vocabulary/codes.js';

const plan = (text: string): Plan => planRun(parseSpec(text, 'spec.yaml'), { specPath: 'spec.yaml', launchDir: '/launch', baseEnv: {} });
const job = (p: Plan, path: string): PlannedJob => {
  const node = p.nodes.find((n) => n.path === path);
  assert.ok(node !== undefined && node.kind === 'job', `no job ${path}`);
  return node;
};

const TREE = `
!JobGroup
  id: top
  parsers: [gcc]
  fail_patterns: ['^FATAL']
  ignore_patterns: ['known harmless']
  limits: {warning: 10}
  jobs:
  - !Job
      id: build
      command: make
      stderr: warning
      limits: {error: 2, warning: none}
      parsers: [make, clang]
  - !JobArray
      id: sims
      repeats: 3
      parsers: [uvm]
      fail_patterns: ['^TEST FAILED']
      pass_patterns: ['^TEST PASSED$']
      severity_patterns: [{match: '^MYCHK', severity: error}]
      ignore_patterns: [{match: '^dbg:', severity: DEBUG}]
      jobs:
      - !Job { id: sim, command: sim }
      - !Job
          id: lint
          command: lint
          parsers: {replace: []}
          fail_patterns: {replace: ['^LINT ERROR']}
`;

describe('verdict fields', () => {
  it('lists add down the tree, {replace: [...]} replaces, limits override one by one', () => {
    const p = plan(TREE);
    const build = job(p, 'top.build');
    assert.deepEqual(build.lines.parsers, ['gcc', 'make'], 'clang is gcc: it runs once');
    assert.deepEqual(build.lines.failPatterns, ['^FATAL']);
    assert.equal(build.lines.stderr, Severity.WARNING);
    assert.deepEqual(build.limits, { warning: null, error: 2 });

    const sim = job(p, 'top.sims.sim_1');
    assert.deepEqual(sim.lines.parsers, ['gcc', 'uvm']);
    assert.deepEqual(sim.lines.failPatterns, ['^FATAL', '^TEST FAILED']);
    assert.deepEqual(sim.lines.passPatterns, ['^TEST PASSED$']);
    assert.deepEqual(sim.lines.severityPatterns, [{ match: '^MYCHK', severity: Severity.ERROR }]);
    assert.deepEqual(sim.lines.ignorePatterns, [
      { match: 'known harmless', severity: Severity.INFO },
      { match: '^dbg:', severity: Severity.DEBUG },
    ]);
    assert.equal(sim.lines.stderr, Severity.ERROR);
    assert.deepEqual(sim.limits, { warning: 10 });

    const lint = job(p, 'top.sims.lint_2');
    assert.deepEqual(lint.lines.parsers, []);
    assert.deepEqual(lint.lines.failPatterns, ['^LINT ERROR']);
    assert.deepEqual(lint.lines.passPatterns, ['^TEST PASSED$']);
  });

  it('array instances share one rules object, and jobs without fields get the defaults', () => {
    const p = plan(TREE);
    assert.equal(job(p, 'top.sims.sim_0').lines, job(p, 'top.sims.sim_2').lines);
    const plain = plan('!Job { id: a, command: echo }');
    const a = job(plain, 'a');
    assert.deepEqual(a.lines.parsers, []);
    assert.equal(a.lines.stderr, Severity.ERROR);
    assert.deepEqual(a.limits, {});
  });

  it("verdict fields need their names: the sequence form takes only Gator's fields", () => {
    const p = plan('!Job [a, {}, null, echo, [hi]]');
    assert.deepEqual(job(p, 'a').args, ['hi']);
  });

  it("leaves $GATOR_PARENT for the job's shell: the endpoint exists only once the job starts", () => {
    const p = planRun(parseSpec("!Job { id: a, command: sh, args: [-c, 'curl http://$GATOR_PARENT/metric ${GATOR_PARENT}'] }", 'spec.yaml'), {
      specPath: 'spec.yaml',
      launchDir: '/launch',
      baseEnv: { GATOR_PARENT: '127.0.0.1:1' },
    });
    assert.deepEqual(job(p, 'a').args, ['-c', 'curl http://$GATOR_PARENT/metric $GATOR_PARENT']);
  });
});
