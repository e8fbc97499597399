// `gator report` through the built CLI (`npm run build` first).
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { assertValidJunit } from '../helpers/junit-schema.js';
import { gator, makeStandardRun, startLiveWriter, tempDir } from '../helpers/make-run-db.js';

const dir = tempDir('gator-cli-report-');
after(() => rmSync(dir, { recursive: true, force: true }));
const finished = join(dir, 'finished.sqlite');
makeStandardRun(finished, 'finished');

const testcaseNames = (xml: string): string[] => [...xml.matchAll(/<testcase name="([^"]+)" classname="([^"]+)"/g)].map((m) => `${m[2]}.${m[1]}`);

describe('gator report', () => {
  it('summarises a finished run: status, tally, failures with their first error, database', () => {
    const { status, stdout, stderr } = gator(['report', finished]);
    assert.equal(stderr, '');
    assert.equal(status, 0);
    assert.match(stdout, /^Run run-finished {2}\/work\/examples\/regression\.yaml\ndone: failure \(exit 1\)/);
    assert.match(stdout, /^12 jobs: 8 passed, 3 failed, 1 aborted$/m);
    assert.match(stdout, /3 jobs failed with `assertion failed: scoreboard mismatch at cycle <n>/);
    assert.match(stdout, /top\.sims\.sim_\{2,5,6\}|top\.sims\.sim_2/);
    assert.ok(stdout.includes(`Database: ${finished}`));
  });

  it('exports JUnit that validates, one testcase per job with unique names', async () => {
    const { status, stdout } = gator(['report', finished, '--junit', '-']);
    assert.equal(status, 0);
    await assertValidJunit(stdout, 'finished');
    const names = testcaseNames(stdout);
    assert.equal(names.length, 12);
    assert.equal(new Set(names).size, 12);
    assert.ok(names.includes('top.sims.sim_3'));
  });

  it('writes several exports to files at once, JSON and joblog included', async () => {
    const junit = join(dir, 'out.xml');
    const json = join(dir, 'out.json');
    const joblog = join(dir, 'out.tsv');
    const { status, stderr } = gator(['report', finished, '--junit', junit, '--json', json, '--joblog', joblog]);
    assert.equal(status, 0);
    assert.equal(stderr.trimEnd().split('\n').length, 3);
    await assertValidJunit(readFileSync(junit, 'utf8'), 'files');
    const tree = JSON.parse(readFileSync(json, 'utf8')) as { tally: { failed: number }; root: { children: unknown[] } };
    assert.equal(tree.tally.failed, 3);
    assert.equal(tree.root.children.length, 4);
    assert.equal(readFileSync(joblog, 'utf8').split('\n')[0], 'Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand');
    assert.equal(gator(['report', finished, '--junit', '-', '--json', '-']).status, 2);
  });

  it('reports a live run while it writes, then the same run cut off by SIGKILL', async () => {
    const file = join(dir, 'live.sqlite');
    const writer = await startLiveWriter(file);
    try {
      const live = gator(['report', file]);
      assert.equal(live.status, 0);
      assert.match(live.stdout, /^running since /m);
      const junit = gator(['report', file, '--junit', '-']).stdout;
      await assertValidJunit(junit, 'live');
      assert.match(junit, /<testcase name="sim_4" classname="top\.sims" time="[\d.]+">\s*<skipped message="still running"\/>/);
      const json = JSON.parse(gator(['report', file, '--json', '-']).stdout) as { run: { status: string } };
      assert.equal(json.run.status, 'running');
    } finally {
      await writer.kill();
    }
    const cut = gator(['report', file]);
    assert.equal(cut.status, 0);
    assert.match(cut.stdout, /^cut off: the runner stopped without ending the run/m);
    assert.match(cut.stdout, /^12 jobs: 6 passed, 1 failed, 2 cut off, 3 not finished$/m);
    assert.match(cut.stdout, /^cut off while running: top\.sims\.sim_4, top\.sims\.sim_7$/m);
    const junit = gator(['report', file, '--junit', '-']).stdout;
    await assertValidJunit(junit, 'cut');
    assert.match(junit, /<testcase name="sim_4" classname="top\.sims" time="[\d.]+">\s*<error message="[^"]*" type="cut-off">/);
    assert.doesNotMatch(junit, /<testcase name="sim_4" classname="top\.sims" time="[\d.]+"\/>/, 'never shown as passed');
    const json = JSON.parse(gator(['report', file, '--json', '-']).stdout) as { run: { status: string }; tally: { cutOff: number; passed: number } };
    assert.equal(json.run.status, 'cut-off');
    assert.equal(json.tally.cutOff, 2);
    const joblog = gator(['report', file, '--joblog', '-']).stdout.split('\n');
    assert.equal(joblog.find((line) => line.endsWith('sim --seed 1004'))?.split('\t')[6], '-1', 'no exit value for a cut-off job');
  });
});
