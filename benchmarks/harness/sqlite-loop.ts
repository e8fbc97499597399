// The W2 storage baseline: a bare better-sqlite3 loop inserting `jobs × lines` message rows
// (the lines `seq lines` prints, per job) into the run database's own tables, in transactions
// of `batch` rows, with the pragmas the run writer uses. Prints `BENCH {"rows","insertS"}`:
// insertS times open + schema + inserts + close, not the Node start-up before it.
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { TABLES } from '../../storage/schema.js';
import { Severity, Stream } from '../../vocabulary/codes.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    jobs: { type: 'string', default: '16' },
    lines: { type: 'string', default: '125000' },
    batch: { type: 'string', default: '10000' },
  },
});
if (values.db === undefined) throw new Error('--db is required');
const jobs = Number(values.jobs);
const lines = Number(values.lines);
const batch = Number(values.batch);

const start = process.hrtime.bigint();
const db = new Database(values.db);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(TABLES);
const insert = db.prepare('INSERT INTO message (job_id, ts, severity, stream, text, raw) VALUES (?, ?, ?, ?, ?, NULL)');
const insertBatch = db.transaction((rows: readonly (readonly [number, string])[]) => {
  const ts = Date.now() / 1000;
  for (const [jobId, text] of rows) insert.run(jobId, ts, Severity.INFO, Stream.stdout, text);
});

let rows = 0;
let pending: [number, string][] = [];
for (let job = 1; job <= jobs; job++) {
  for (let line = 1; line <= lines; line++) {
    pending.push([job, String(line)]);
    if (pending.length === batch) {
      insertBatch(pending);
      rows += pending.length;
      pending = [];
    }
  }
}
if (pending.length > 0) {
  insertBatch(pending);
  rows += pending.length;
}
db.pragma('wal_checkpoint(TRUNCATE)');
db.close();
const insertS = Number(process.hrtime.bigint() - start) / 1e9;
process.stdout.write(`BENCH ${JSON.stringify({ rows, insertS })}\n`);
