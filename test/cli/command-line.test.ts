// The command line as Gator users type it, through the built CLI: options before and after the
// spec, Gator's --scheduler, mistyped commands, status lines without a terminal, -v detail, and
// the smaller habits (plural, the database path once, rerun with nothing to rerun).
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gator, openDb, tempDir, writeSpec } from '../helpers/cli.js';

const dir = tempDir('gator-cli-line-');
after(() => rmSync(dir, { recursive: true, force: true }));

const TWO = `!JobGroup
  id: top
  jobs:
  - !Job
      id: a
      command: "true"
  - !Job
      id: b
      command: "true"
`;
const spec = writeSpec(dir, 'two.yaml', TWO);
let runs = 0;
const tracking = (): string => join(dir, `t${++runs}`);

const passedJobs = (trackingDir: string): number => {
  const db = openDb(join(trackingDir, 'run.sqlite'));
  try {
    return (db.prepare("SELECT count(*) AS n FROM jobs WHERE kind = 'job' AND result = 'success'").get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('options before and after the spec', () => {
  for (const args of [['--progress'], ['-j', '4'], ['--jobs=1', '--all-msg'], ['-j4', '--quiet']]) {
    it(`gator ${args.join(' ')} SPEC runs the spec`, async () => {
      const where = tracking();
      const result = await gator([...args, spec, '--tracking', where]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(passedJobs(where), 2);
    });
  }

  it('takes options on both sides of the spec, and a value that looks like a command name', async () => {
    const where = join(dir, 'runs');
    const result = await gator(['--tracking', where, '-j', '2', spec, '--grace', '1']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(passedJobs(where), 2);
  });

  it('takes options before a command name', async () => {
    const result = await gator(['--quiet', 'run', spec, '--tracking', tracking()]);
    assert.equal(result.code, 0, result.stderr);
  });
});

describe('--scheduler', () => {
  it("accepts Gator's --scheduler local, and rejects a scheduler it does not have", async () => {
    const where = tracking();
    const local = await gator(['--scheduler', 'local', spec, '--tracking', where]);
    assert.equal(local.code, 0, local.stderr);
    const db = openDb(join(where, 'run.sqlite'));
    try {
      const options = JSON.parse((db.prepare('SELECT options FROM run_info').get() as { options: string }).options) as { scheduler: string };
      assert.equal(options.scheduler, 'local');
    } finally {
      db.close();
    }
    const bogus = await gator([spec, '--scheduler', 'nowhere', '--tracking', tracking()]);
    assert.equal(bogus.code, 2);
    assert.match(bogus.stderr, /argument 'nowhere' is invalid\. Allowed choices are local, slurm/);
  });
});

describe('a mistyped command', () => {
  it('is reported as an unknown command with a suggestion, not as a missing spec', async () => {
    const result = await gator(['reprot'], { cwd: dir });
    assert.equal(result.code, 2);
    assert.equal(result.stderr, "gator: unknown command 'reprot' (did you mean 'report'?), and no spec file of that name; see gator --help\n");
    const far = await gator(['frobnicate'], { cwd: dir });
    assert.equal(far.code, 2);
    assert.match(far.stderr, /^gator: unknown command 'frobnicate', and no spec file/);
  });

  it('is a spec when a file of that name exists, and a missing path is still a missing spec', async () => {
    writeFileSync(join(dir, 'reprot'), TWO);
    const result = await gator(['reprot', '--tracking', tracking()], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const missing = await gator(['nowhere.yaml'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nowhere\.yaml:1:1: cannot read the spec file/);
  });
});

describe('status lines without a terminal', () => {
  const slow = writeSpec(
    dir,
    'slow.yaml',
    `!JobGroup
  id: top
  jobs:
  - !Job
      id: wait
      command: sleep
      args: ["2"]
`,
  );

  it('come every --status-interval seconds while jobs run, without --progress', async () => {
    const result = await gator([slow, '--status-interval', '0.3', '--tracking', tracking()]);
    assert.equal(result.code, 0, result.stderr);
    const statuses = result.stdout.split('\n').filter((line) => / STATUS +run: \d+\/1 done/.test(line));
    assert.ok(statuses.length >= 2, `expected status lines, got:\n${result.stdout}`);
    for (const line of statuses) assert.match(line, /[01]\/1 done \([01] passed, 0 failed, 0 aborted\), [01] running, [01] pending, \d+s elapsed/);
    assert.ok(
      statuses.some((line) => line.includes('0/1 done (0 passed, 0 failed, 0 aborted), 1 running, 0 pending')),
      'one while the job runs',
    );
  });

  it('never come with --status-interval 0', async () => {
    const result = await gator([slow, '--status-interval', '0', '--tracking', tracking()]);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stdout, / STATUS /);
  });
});

describe('smaller habits', () => {
  it('says "1 job", and prints the database path once', async () => {
    const one = writeSpec(dir, 'one.yaml', '!Job\n  id: solo\n  command: "true"\n');
    const where = tracking();
    const result = await gator([one, '--tracking', where]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, / RUN +gator: running 1 job\n/);
    assert.match(result.stdout, /run passed in [^:]+: 1 job, 1 passed/);
    assert.equal(result.stdout.split(join(where, 'run.sqlite')).length - 1, 1, result.stdout);
  });

  it('shows "unlimited" as the default of --limit-warning', async () => {
    const result = await gator(['run', '--help']);
    assert.match(result.stdout, /--limit-warning <n>[^\n]*\n?[^\n]*\(default: unlimited\)/);
    assert.doesNotMatch(result.stdout, /default: null/);
  });

  it('-v shows the runner DEBUG detail: threads, how jobs start, batches', async () => {
    const result = await gator([spec, '-v', '--tracking', tracking()]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, / DEBUG +gator: threads: storage on host 1, jobs on hosts? [\d, ]+; booted in \d+ ms/);
    assert.match(result.stdout, / DEBUG +gator: host \d+: jobs start through the spawn server\n/);
    assert.match(result.stdout, / DEBUG +gator: host \d+: batch of \d+ rows \(\d+ output lines\) to storage\n/);
    const viaNode = await gator([spec, '-v', '--tracking', tracking()], { env: { GATOR_SPAWN_SERVER: '0' } });
    assert.match(viaNode.stdout, / DEBUG +gator: host \d+: jobs start through Node: GATOR_SPAWN_SERVER=0\n/);
    const quiet = await gator([spec, '--tracking', tracking()]);
    assert.doesNotMatch(quiet.stdout, / DEBUG /);
  });

  it('rerun --failed with nothing failed exits 0 and says so', async () => {
    const where = tracking();
    assert.equal((await gator([spec, '--tracking', where])).code, 0);
    const result = await gator(['rerun', where, '--failed']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Nothing to rerun: no job failed in run \S+\n$/);
    assert.equal(result.stderr, '');
  });
});
