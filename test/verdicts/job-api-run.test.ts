// The job API in a real run: a Python job speaking Gator's websocket protocol, `gator log` and
// `gator metric` from `sh -c`, curl to the HTTP routes, an endpoint per job, metrics rolled up
// the tree and exported, and the endpoint's end (a late client, a client that never closes).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT, gator, openDb, pathWithGator, tempDir, writeSpec } from '../helpers/cli.js';
import { assertValidJunit } from '../helpers/junit-schema.js';
import { PYTHON_SKIP, pythonWithWebsockets } from '../helpers/python.js';

const PY_JOB = join(ROOT, 'test', 'fixtures', 'api', 'gator_job.py');
const STUBBORN = join(ROOT, 'test', 'fixtures', 'api', 'stubborn.mjs');
const hasCurl = spawnSync('curl', ['--version']).status === 0;

const runSpec = async (yaml: string, extra: readonly string[] = []) => {
  const dir = tempDir();
  const spec = writeSpec(dir, 'spec.yaml', yaml);
  const tracking = join(dir, 'run');
  const result = await gator(['run', spec, '--tracking', tracking, '--quiet', ...extra], { timeoutMs: 180_000, env: { PATH: pathWithGator() } });
  return { ...result, dir, db: join(tracking, 'run.sqlite') };
};

describe('the job API in a run', () => {
  const python = pythonWithWebsockets();

  it(
    "a Python job using Gator's websocket protocol logs at every severity and records metrics; its ERROR fails it",
    { skip: python === null ? PYTHON_SKIP : false },
    async () => {
      const result = await runSpec(`!JobGroup
  id: top
  jobs:
    - !Job
        id: loud
        command: ${python}
        args: [${PY_JOB}, --log, "DEBUG:d", --log, "INFO:i", --log, "WARNING:w", --log, "ERROR:e", --log, "CRITICAL:c", --metric, coverage=87.5, --metric, coverage=91, --expect-error, register]
    - !Job
        id: calm
        command: ${python}
        args: [${PY_JOB}, --log, "INFO:all good", --log, "warning:careful", --metric, coverage=80]
`);
      assert.equal(result.code, 1, result.stderr);
      const db = openDb(result.db);
      try {
        const api = db.prepare("SELECT severity, text FROM messages WHERE stream = 'api' AND job_path = 'top.loud' ORDER BY id").all();
        assert.deepEqual(api, [
          { severity: 'DEBUG', text: 'd' },
          { severity: 'INFO', text: 'i' },
          { severity: 'WARNING', text: 'w' },
          { severity: 'ERROR', text: 'e' },
          { severity: 'CRITICAL', text: 'c' },
        ]);
        const results = db.prepare("SELECT ident, result, failure, msg_error, msg_critical FROM jobs WHERE kind = 'job' ORDER BY id").all();
        assert.deepEqual(results, [
          { ident: 'loud', result: 'failure', failure: 'critical-count', msg_error: 1, msg_critical: 1 },
          { ident: 'calm', result: 'success', failure: null, msg_error: 0, msg_critical: 0 },
        ]);
        assert.deepEqual(db.prepare("SELECT job_path, value, count, min, max FROM metrics WHERE name = 'coverage' ORDER BY job_id").all(), [
          { job_path: 'top.loud', value: 91, count: 2, min: 87.5, max: 91 },
          { job_path: 'top.calm', value: 80, count: 1, min: 80, max: 80 },
        ]);
        assert.deepEqual(db.prepare("SELECT count, sum, min, max, mean FROM metric_rollup WHERE scope = 'group' AND name = 'coverage'").get(), {
          count: 2,
          sum: 171,
          min: 80,
          max: 91,
          mean: 85.5,
        });
        // The unknown action got Gator's error reply (the job printed it) and is in the job's record.
        assert.ok(db.prepare("SELECT 1 FROM messages WHERE job_path = 'top.loud' AND text LIKE 'error as expected: %Unknown action ''register''%'").get());
      } finally {
        db.close();
      }
    },
  );

  it('gator log and gator metric work from sh -c, and so does curl to the HTTP routes', async () => {
    const curl = hasCurl
      ? ` && curl -sf -o /dev/null -d '{"severity":"WARNING","message":"from curl"}' "http://$GATOR_PARENT/log" && curl -sf -o /dev/null -d '{"name":"curl_metric","value":4}' "http://$GATOR_PARENT/metric" && curl -sf "http://$GATOR_PARENT/"`
      : '';
    const result = await runSpec(`!Job
  id: shell
  command: sh
  args: [-c, 'gator log -s warning built with $(echo 2) warnings && gator metric coverage 91.5 lines 3 && printf "a 1\\\\nb 2\\\\n" | gator metric -${curl.replaceAll("'", "''")}']
`);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const db = openDb(result.db);
    try {
      const api = db.prepare("SELECT severity, text FROM messages WHERE stream = 'api' ORDER BY id").all();
      const metrics = db.prepare('SELECT name, value, source FROM metric_values ORDER BY id').all();
      assert.deepEqual(api.slice(0, 1), [{ severity: 'WARNING', text: 'built with 2 warnings' }]);
      assert.deepEqual(metrics.slice(0, 4), [
        { name: 'coverage', value: 91.5, source: 'api' },
        { name: 'lines', value: 3, source: 'api' },
        { name: 'a', value: 1, source: 'api' },
        { name: 'b', value: 2, source: 'api' },
      ]);
      if (hasCurl) {
        assert.deepEqual(api[1], { severity: 'WARNING', text: 'from curl' });
        assert.deepEqual(metrics[4], { name: 'curl_metric', value: 4, source: 'api' });
        assert.ok(db.prepare('SELECT 1 FROM messages WHERE text = ?').get('{"result":"success","payload":{"tool":"gator","version":"1.0"}}'), 'GET / answered');
      }
    } finally {
      db.close();
    }
    if (!hasCurl) console.log('# curl is not installed: the curl part of this test was skipped (apt-get install curl; .ci/run installs it)');
  });

  it('gives each job its own endpoint: a message never lands on another job', async () => {
    const result = await runSpec(
      `!JobArray
  id: many
  repeats: 6
  jobs:
    - !Job
        id: j
        command: sh
        args: [-c, 'echo "$GATOR_PARENT"; sleep 0.3; gator log "i am $GATOR_ARRAY_INDEX"; gator metric index $GATOR_ARRAY_INDEX']
`,
      ['-j', '6'],
    );
    assert.equal(result.code, 0, result.stderr);
    const db = openDb(result.db);
    try {
      const rows = db.prepare("SELECT j.array_index AS i, m.text FROM messages m JOIN jobs j ON j.id = m.job_id WHERE m.stream = 'api'").all() as {
        i: number;
        text: string;
      }[];
      assert.equal(rows.length, 6);
      for (const row of rows) assert.equal(row.text, `i am ${row.i}`);
      const metrics = db.prepare("SELECT j.array_index AS i, m.value FROM metrics m JOIN jobs j ON j.id = m.job_id WHERE m.name = 'index'").all() as {
        i: number;
        value: number;
      }[];
      for (const row of metrics) assert.equal(row.value, row.i);
      const endpoints = db.prepare("SELECT text FROM messages WHERE stream = 'stdout'").pluck().all() as string[];
      assert.equal(new Set(endpoints).size, 6, 'six jobs at once, six endpoints');
      for (const endpoint of endpoints) assert.match(endpoint, /^127\.0\.0\.1:\d+$/, 'loopback only');
    } finally {
      db.close();
    }
  });

  it('rolls metrics up the tree: an array of 20 jobs reporting coverage, checked against SQL over the raw rows', async () => {
    const result = await runSpec(`!JobGroup
  id: top
  jobs:
    - !JobArray
        id: sims
        repeats: 20
        jobs:
          - !Job
              id: sim
              command: sh
              args: [-c, 'gator metric coverage $((50 + GATOR_ARRAY_INDEX * 2)) && if [ $GATOR_ARRAY_INDEX = 3 ]; then gator metric coverage 99.5; fi']
    - !Job { id: lint, command: gator, args: [metric, coverage, '10'] }
`);
    assert.equal(result.code, 0, result.stderr);
    const db = openDb(result.db);
    try {
      const rollup = db.prepare("SELECT count, sum, min, max, mean FROM metric_rollup WHERE path = 'top.sims' AND name = 'coverage'").get();
      // The same from the raw values: each job's last value.
      const raw = db
        .prepare(
          `WITH last AS (
             SELECT v.value FROM metric_values v JOIN jobs j ON j.id = v.job_id
             WHERE v.name = 'coverage' AND j.path LIKE 'top.sims.%'
               AND v.id = (SELECT max(id) FROM metric_values w WHERE w.job_id = v.job_id AND w.name = 'coverage'))
           SELECT count(*) AS count, sum(value) AS sum, min(value) AS min, max(value) AS max, avg(value) AS mean FROM last`,
        )
        .get();
      assert.deepEqual(rollup, raw);
      // 50, 52, … 88, with sim_3's 56 replaced by its last report, 99.5.
      assert.deepEqual(rollup, { count: 20, sum: 1380 - 56 + 99.5, min: 50, max: 99.5, mean: (1380 - 56 + 99.5) / 20 });
      const run = db.prepare("SELECT count, min FROM metric_rollup WHERE scope = 'run' AND name = 'coverage'").get();
      assert.deepEqual(run, { count: 21, min: 10 });
      assert.equal(db.prepare("SELECT count FROM metrics WHERE job_path = 'top.sims.sim_3' AND name = 'coverage'").pluck().get(), 2);
    } finally {
      db.close();
    }
    // The report, the JSON export and JUnit show the roll-up.
    const report = await gator(['report', result.db], { env: { COLUMNS: '120' } });
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, /^top\.sims\s+coverage\s+20\s+71\.175\s+50\s+99\.5\s+1423\.5$/m);
    const json = await gator(['report', result.db, '--json', '-']);
    const tree = JSON.parse(json.stdout) as {
      metrics: Record<string, { count: number }>;
      root: {
        children: { path: string; metrics?: Record<string, { count: number; mean: number }>; children?: { metrics?: Record<string, { value: number }> }[] }[];
      };
    };
    assert.equal(tree.metrics['coverage']?.count, 21);
    const sims = tree.root.children.find((c) => c.path === 'top.sims');
    assert.equal(sims?.metrics?.['coverage']?.count, 20);
    assert.equal(sims?.children?.[3]?.metrics?.['coverage']?.value, 99.5);
    const junit = await gator(['report', result.db, '--junit', '-']);
    assert.match(junit.stdout, /<property name="gator\.metric\.coverage\.count" value="20"\/>/);
    assert.match(junit.stdout, /<property name="gator\.metric\.coverage\.max" value="99\.5"\/>/);
    await assertValidJunit(junit.stdout, 'metrics');
  });

  it('a client that connects after its job ended is refused with a clear error', async () => {
    const result = await runSpec(`!Job { id: j, command: sh, args: [-c, 'echo "$GATOR_PARENT"'] }`);
    assert.equal(result.code, 0);
    const db = openDb(result.db);
    const parent = db.prepare("SELECT text FROM messages WHERE stream = 'stdout'").pluck().get() as string;
    db.close();
    const late = await gator(['log', 'too late'], { env: { GATOR_PARENT: parent } });
    assert.equal(late.code, 1);
    assert.equal(late.stderr, `gator log: cannot reach the job API at ${parent} (connection refused: the job it belongs to has ended)\n`);
  });

  it('a client that never closes is closed after the job ends; the run does not hang', async () => {
    const ready = join(tempDir(), 'connected');
    const result = await runSpec(`!Job
  id: j
  command: sh
  args: [-c, '${process.execPath} ${STUBBORN} ${ready} >/dev/null 2>&1 & while [ ! -f ${ready} ]; do sleep 0.05; done; echo parent exits']
`);
    assert.equal(result.code, 0, result.stderr);
    const db = openDb(result.db);
    try {
      const notes = db.prepare("SELECT severity, text FROM messages WHERE stream IN ('api', 'runtime') ORDER BY id").all();
      assert.deepEqual(notes, [
        { severity: 'INFO', text: 'still here' },
        { severity: 'WARNING', text: 'job API: closed 1 connection still open 2 s after the job ended' },
      ]);
    } finally {
      db.close();
    }
  });

  it('JUnit and JSON stay valid with metrics on every suite', async () => {
    const result = await runSpec(`!JobArray
  id: a
  repeats: 2
  jobs: [!Job { id: m, command: gator, args: [metric, 'x<&>"', '1'] }]
`);
    assert.equal(result.code, 0, result.stderr);
    const junit = await gator(['report', result.db, '--junit', '-']);
    await assertValidJunit(junit.stdout, 'escaped');
    assert.match(junit.stdout, /gator\.metric\.x&lt;&amp;&gt;&quot;\.sum" value="2"/);
    const json = await gator(['report', result.db, '--json', '-']);
    assert.equal((JSON.parse(json.stdout) as { metrics: Record<string, { sum: number }> }).metrics['x<&>"']?.sum, 2);
  });
});
