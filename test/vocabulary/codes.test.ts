// One table per vocabulary: names in code order, reverse lookups, and the SQL views naming
// codes exactly as the code does.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import Database from 'better-sqlite3';
import { TABLES, VIEWS } from '../../storage/schema.js';
import {
  asFailureKind,
  FAILURE_KINDS,
  NodeKind,
  Result,
  RESULT_NAME,
  RUN_RESULT_NAME,
  RunResult,
  SEVERITY_NAME,
  SEVERITY_NAMES,
  Severity,
  State,
  STREAM_NAMES,
  Stream,
} from '../../vocabulary/codes.js';

it('lists names in code order and looks names up by code', () => {
  assert.deepEqual(SEVERITY_NAMES, ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']);
  assert.deepEqual(STREAM_NAMES, ['stdout', 'stderr', 'api', 'runtime']);
  assert.equal(SEVERITY_NAME[Severity.WARNING], 'WARNING');
  assert.equal(RESULT_NAME[Result.aborted], 'aborted');
  assert.equal(RUN_RESULT_NAME[RunResult.interrupted], 'interrupted', 'a run result is its own type: 3 is interrupted, not aborted');
  assert.equal(asFailureKind('timeout'), 'timeout');
  assert.equal(asFailureKind('no such kind'), null);
  assert.equal(new Set(FAILURE_KINDS).size, FAILURE_KINDS.length);
});

it("the views' CASE lists name every code as the vocabulary does", () => {
  const db = new Database(':memory:');
  db.exec(TABLES);
  db.exec(VIEWS);
  db.prepare("INSERT INTO run_info (id, spec_path, started_at, host, argv, cwd, pid, options) VALUES ('r', 's', 0, 'h', '[]', '/', 1, '{}')").run();
  for (const [name, code] of Object.entries(RunResult)) {
    db.prepare('UPDATE run_info SET result = ?').run(code);
    assert.equal((db.prepare('SELECT result FROM run').get() as { result: string }).result, name);
  }
  let id = 0;
  for (const [kind, kindCode] of Object.entries(NodeKind)) {
    for (const [state, stateCode] of Object.entries(State)) {
      for (const [result, resultCode] of Object.entries(Result)) {
        db.prepare("INSERT INTO node (id, subtree_end, kind, ident, path, state, result) VALUES (?, ?, ?, 'x', ?, ?, ?)").run(
          id,
          id,
          kindCode,
          `p${id}`,
          stateCode,
          resultCode,
        );
        assert.deepEqual(db.prepare('SELECT kind, state, result FROM jobs WHERE id = ?').get(id), { kind, state, result });
        id++;
      }
    }
  }
  for (const [severity, severityCode] of Object.entries(Severity)) {
    for (const [stream, streamCode] of Object.entries(Stream)) {
      db.prepare("INSERT INTO message (job_id, ts, severity, stream, text) VALUES (0, 0, ?, ?, 't')").run(severityCode, streamCode);
      assert.deepEqual(db.prepare('SELECT severity, stream FROM messages ORDER BY id DESC LIMIT 1').get(), { severity, stream });
    }
  }
  db.close();
});
