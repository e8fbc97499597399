import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { jobOfKey, lastMessageId, messageKey, messagesAfter, replayBatches, severityOfKey, type MessageFilter } from '../../../storage/readers/messages.js';
import { openRunDatabase } from '../../../storage/readers/open-run.js';
import { Severity, type SeverityName, type StreamName } from '../../../vocabulary/codes.js';
import { makeStandardRun, prng, readAllMessages, RunDbBuilder, tempDir } from '../../helpers/make-run-db.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));

type Row = { ts: number; severity: SeverityName; stream: StreamName; jobId: number; text: string };

const replayed = (file: string, filter: MessageFilter = {}, options: { chunkIds?: number } = {}): Row[] => {
  const db = openRunDatabase(file);
  try {
    const rows: Row[] = [];
    for (const batch of replayBatches(db, filter, { ...options, withStream: true })) {
      for (let i = 0; i < batch.length; i++) {
        const key = batch.key[i] as number;
        rows.push({
          ts: batch.ts[i] as number,
          severity: severityOfKey(key),
          stream: batch.stream?.[i] as StreamName,
          jobId: jobOfKey(key),
          text: batch.text[i] as string,
        });
      }
    }
    return rows;
  } finally {
    db.close();
  }
};

const expected = (file: string, keep: (row: Row) => boolean = () => true): Row[] =>
  readAllMessages(file)
    .map(({ ts, severity, stream, jobId, text }) => ({ ts, severity, stream, jobId, text }))
    .filter(keep);

/** A run whose messages arrive badly out of time order, with some far outliers. */
const disorderedRun = (file: string, count: number, seed: number, spread: number): void => {
  const b = new RunDbBuilder(file, { id: 'disorder', specPath: '/x.yaml', startedAt: 1_000 });
  const top = b.group(null, 'top');
  const jobs = [b.job(top, 'a'), b.job(top, 'b'), b.job(top, 'c'), b.job(top, 'd')];
  const random = prng(seed);
  const severities: SeverityName[] = ['DEBUG', 'INFO', 'INFO', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];
  const rows = Array.from({ length: count }, (_, i) => {
    const outlier = random() < 0.01 ? (random() - 0.5) * 200 : 0;
    // Whole hundredths, so equal timestamps (ties broken by id) happen often.
    const ts = 1_000 + Math.round((i * 0.01 + (random() - 0.5) * spread + outlier) * 100) / 100;
    return {
      jobId: jobs[Math.floor(random() * jobs.length)] as number,
      ts,
      severity: severities[Math.floor(random() * severities.length)] as SeverityName,
      text: `line ${i}`,
    };
  });
  b.interleaved(rows);
  b.close();
};

describe('replayBatches', () => {
  const standard = join(dir, 'standard.sqlite');
  makeStandardRun(standard, 'finished');

  it('yields every message of a run in (ts, id) order', () => {
    const rows = replayed(standard);
    assert.equal(rows.length, readAllMessages(standard).length);
    assert.deepEqual(rows, expected(standard));
  });

  it('gives the same order whatever the chunk size', () => {
    for (const chunkIds of [1, 2, 7, 50, 1000]) assert.deepEqual(replayed(standard, {}, { chunkIds }), expected(standard), `chunkIds ${chunkIds}`);
  });

  it('sorts heavily disordered data exactly, including past the buffer limit', () => {
    const file = join(dir, 'disorder.sqlite');
    disorderedRun(file, 3000, 7, 3);
    const want = expected(file);
    assert.deepEqual(replayed(file), want);
    // Small chunks: the reorder buffer overflows and SQLite's sort takes over mid-way.
    assert.deepEqual(replayed(file, {}, { chunkIds: 8 }), want);
    assert.deepEqual(replayed(file, {}, { chunkIds: 64 }), want);
  });

  it('keeps texts that contain newlines and commas whole', () => {
    const file = join(dir, 'newlines.sqlite');
    const b = new RunDbBuilder(file, { id: 'nl', specPath: '/x.yaml', startedAt: 0 });
    const job = b.job(null, 'solo');
    b.messages(job, [
      { ts: 2, text: 'two,\nlines' },
      { ts: 1, text: '' },
      { ts: 3, text: 'a,b,c' },
      { ts: 3, text: '\n' },
      { ts: 0.5, text: 'é ✓ 𝄞' },
    ]);
    b.close();
    const texts = (rows: Row[]): string[] => rows.map((row) => row.text);
    assert.deepEqual(texts(replayed(file)), ['é ✓ 𝄞', '', 'two,\nlines', 'a,b,c', '\n']);
    assert.deepEqual(texts(replayed(file, {}, { chunkIds: 2 })), ['é ✓ 𝄞', '', 'two,\nlines', 'a,b,c', '\n']);
  });

  it('applies every filter, and their combination', () => {
    const file = join(dir, 'filters.sqlite');
    disorderedRun(file, 2000, 11, 1);
    const all = expected(file);
    const jobIds = [1, 3];
    const cases: [MessageFilter, (row: Row) => boolean][] = [
      [{ jobIds }, (r) => jobIds.includes(r.jobId)],
      [{ minSeverity: 'WARNING' }, (r) => Severity[r.severity] >= Severity.WARNING],
      [{ streams: ['stderr'] }, (r) => r.stream === 'stderr'],
      [{ since: 1_005, until: 1_010 }, (r) => r.ts >= 1_005 && r.ts <= 1_010],
      [{ grep: /line 1\d*5$/ }, (r) => /line 1\d*5$/.test(r.text)],
      [
        { jobIds, minSeverity: 'INFO', streams: ['stdout'], since: 1_002, until: 1_015, grep: /7/ },
        (r) => jobIds.includes(r.jobId) && Severity[r.severity] >= Severity.INFO && r.stream === 'stdout' && r.ts >= 1_002 && r.ts <= 1_015 && /7/.test(r.text),
      ],
      [{ jobIds: [] }, () => false],
    ];
    for (const [filter, keep] of cases) {
      const want = all.filter(keep);
      assert.ok(want.length > 0 || filter.jobIds?.length === 0, `filter ${JSON.stringify(filter)} selects something`);
      assert.deepEqual(replayed(file, filter), want, JSON.stringify(filter));
      assert.deepEqual(replayed(file, filter, { chunkIds: 16 }), want, `${JSON.stringify(filter)} in small chunks`);
    }
  });

  it('reads nothing from a run without messages', () => {
    const file = join(dir, 'empty.sqlite');
    const b = new RunDbBuilder(file, { id: 'empty', specPath: '/x.yaml', startedAt: 0 });
    b.job(null, 'quiet');
    b.close();
    assert.deepEqual(replayed(file), []);
  });

  it('stops at upToId, the snapshot a follower starts from', () => {
    const db = openRunDatabase(standard);
    try {
      const all = [...replayBatches(db, {})].reduce((n, batch) => n + batch.length, 0);
      const some = [...replayBatches(db, {}, { upToId: 10 })].reduce((n, batch) => n + batch.length, 0);
      assert.equal(all, lastMessageId(db));
      assert.equal(some, 10);
    } finally {
      db.close();
    }
  });
});

describe('messagesAfter', () => {
  it('returns later messages in id order, page by page', () => {
    const file = join(dir, 'after.sqlite');
    makeStandardRun(file, 'finished');
    const db = openRunDatabase(file);
    const raw = new Database(file, { readonly: true });
    try {
      const ids = raw.prepare('SELECT id, text FROM message ORDER BY id').all() as { id: number; text: string }[];
      const texts: string[] = [];
      let lastId = 5;
      for (;;) {
        const page = messagesAfter(db, lastId, {}, { limit: 100 });
        texts.push(...page.batch.text);
        lastId = page.lastId;
        if (!page.more) break;
      }
      assert.deepEqual(
        texts,
        ids.filter((row) => row.id > 5).map((row) => row.text),
      );
      assert.equal(lastId, ids.at(-1)?.id);
      const errors = messagesAfter(db, 0, { minSeverity: 'ERROR' });
      assert.ok(errors.batch.length > 0);
      for (let i = 0; i < errors.batch.length; i++) assert.equal(severityOfKey(errors.batch.key[i] as number), 'ERROR');
    } finally {
      raw.close();
      db.close();
    }
  });

  it('packs job and severity into one key and back', () => {
    for (const severity of ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const) {
      const key = messageKey(12345, severity);
      assert.equal(jobOfKey(key), 12345);
      assert.equal(severityOfKey(key), severity);
    }
  });
});
