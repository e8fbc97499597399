// One run the hub serves: its read-only connection, and what the hub knows of it between
// commits. `poll` asks SQLite whether another connection committed since the last look
// (`PRAGMA data_version`, a few microseconds) and only then re-reads the run row and the node
// states; the nodes whose state changed come back so the live streams can send just those.
import type Database from 'better-sqlite3';
import type { RunSummary } from '../protocol.js';
import { runEndTime, runStatus, type RunStatus } from '../../storage/readers/liveness.js';
import { countLeaves, readStateLetters, readTreeShape, TreeCounts, type Counts, type TreeShape } from '../../storage/readers/node-states.js';
import { openRunDatabase } from '../../storage/readers/open-run.js';
import { readRun, type RunRow } from '../../storage/readers/run-info.js';

export interface RunChange {
  /** The run row or the run's status changed. */
  readonly summary: boolean;
  /** Positions of nodes whose state or result changed. */
  readonly nodes: readonly number[];
  /** Something was committed (lines, samples, counters): followers of a job should look. */
  readonly committed: boolean;
}

interface Tree {
  readonly shape: TreeShape;
  readonly counts: TreeCounts;
}

export class WatchedRun {
  readonly db: Database.Database;
  #row: RunRow;
  #status: RunStatus;
  /** The shape and per-group counts, read when first needed: a run nobody opens costs one row. */
  #tree: Tree | null = null;
  /** The run's counts while its tree is not read (a finished run never changes). */
  #leaves: Counts | null = null;
  #dataVersion: number;
  #summaryKey = '';

  constructor(
    readonly name: string,
    readonly dir: string,
    readonly dbPath: string,
  ) {
    this.db = openRunDatabase(dbPath);
    try {
      this.#dataVersion = this.#readDataVersion();
      this.#row = readRun(this.db, dbPath);
      this.#status = runStatus(this.#row);
      // A run that can still change is followed commit by commit, which needs its tree.
      if (this.#status !== 'done') this.#readTree();
      this.#summaryKey = this.#keyOf();
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  #readDataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  #readTree(): Tree {
    const shape = readTreeShape(this.db);
    this.#tree = { shape, counts: new TreeCounts(shape, readStateLetters(this.db), this.#status) };
    this.#leaves = null;
    return this.#tree;
  }

  get row(): RunRow {
    return this.#row;
  }

  get status(): RunStatus {
    return this.#status;
  }

  get shape(): TreeShape {
    return (this.#tree ?? this.#readTree()).shape;
  }

  get counts(): TreeCounts {
    return (this.#tree ?? this.#readTree()).counts;
  }

  /** Leaf counts of the whole run. */
  #total(): Counts {
    if (this.#tree !== null) return this.#tree.counts.total();
    this.#leaves ??= countLeaves(this.db, this.#status);
    return this.#leaves;
  }

  /** Whether the run can still change: a done run never does. */
  get live(): boolean {
    return this.#status !== 'done';
  }

  /** What changed since the last poll; null when nothing did. */
  poll(): RunChange | null {
    const version = this.#readDataVersion();
    const committed = version !== this.#dataVersion;
    this.#dataVersion = version;
    if (committed) this.#row = readRun(this.db, this.dbPath);
    // Liveness also changes with no commit at all: a killed runner stops its heartbeat.
    const status = runStatus(this.#row);
    if (!committed && status === this.#status) return null;
    // The tree is written whole before the first job starts; a run read in its first instant
    // may have had none yet.
    let tree = this.#tree ?? this.#readTree();
    if (committed && tree.shape.ids.length === 0) {
      const shape = readTreeShape(this.db);
      tree = this.#tree = { shape, counts: new TreeCounts(shape, '', status) };
    }
    const nodes = tree.counts.update(readStateLetters(this.db), status);
    this.#status = status;
    const key = this.#keyOf();
    const summary = key !== this.#summaryKey;
    this.#summaryKey = key;
    return { summary, nodes, committed };
  }

  /** What the summary shows apart from the ticking duration: a change of it is worth an event. */
  #keyOf(): string {
    const row = this.#row;
    return JSON.stringify([this.#status, row.result, row.exitCode, row.endedAt, this.#total()]);
  }

  summary(latest: boolean): RunSummary {
    const row = this.#row;
    const status = this.#status;
    return {
      name: this.name,
      id: row.id,
      spec: row.specPath,
      host: row.host,
      startedAt: row.startedAt,
      endedAt: row.endedAt,
      duration: Math.max(0, runEndTime(row, status) - row.startedAt),
      status,
      result: status === 'done' ? row.result : status,
      exitCode: row.exitCode,
      counts: this.#total(),
      rerunOf: row.rerunOf,
      latest,
    };
  }

  close(): void {
    this.db.close();
  }
}
