// The run database layout. Tables are internal and lean (integers for enums, one row per
// line); the views are the public SQL interface documented in docs/database.md. The codes and
// their names come from vocabulary/codes.ts; the views' CASE lists are generated from it.
import { codePairs, NodeKind, Result, RunResult, Severity, State, Stream } from '../vocabulary/codes.js';

/** Marks a file as a Gator run database (`PRAGMA application_id`), "GATR" in ASCII. */
export const APPLICATION_ID = 0x47415452;
/** Bumped on every incompatible change of the tables; readers check it. */
export const SCHEMA_VERSION = 3;

/** A SQL CASE that names a code column, generated from the vocabulary's table. */
const caseOf = (column: string, table: Readonly<Record<string, number>>): string =>
  `CASE ${column} ${codePairs(table)
    .map(([code, name]) => `WHEN ${code} THEN '${name}'`)
    .join(' ')} END`;

export const TABLES = `
CREATE TABLE run_info (
  id TEXT NOT NULL,
  spec_path TEXT NOT NULL,
  started_at REAL NOT NULL,
  ended_at REAL,
  result INTEGER NOT NULL DEFAULT 0,
  exit_code INTEGER,
  host TEXT NOT NULL,
  argv TEXT NOT NULL,
  cwd TEXT NOT NULL,
  pid INTEGER NOT NULL,
  options TEXT NOT NULL,
  rerun_of TEXT,
  heartbeat_at REAL,
  seed INTEGER,
  pools TEXT
) STRICT;

CREATE TABLE node (
  id INTEGER PRIMARY KEY,
  parent_id INTEGER,
  subtree_end INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  ident TEXT NOT NULL,
  path TEXT NOT NULL,
  array_index INTEGER,
  array_indices TEXT,
  state INTEGER NOT NULL DEFAULT 0,
  result INTEGER NOT NULL DEFAULT 0,
  failure TEXT,
  exit_code INTEGER,
  signal TEXT,
  pid INTEGER,
  started_at REAL,
  ended_at REAL,
  command TEXT,
  argv TEXT,
  env TEXT,
  cwd TEXT,
  rerun_of INTEGER,
  msg_debug INTEGER NOT NULL DEFAULT 0,
  msg_info INTEGER NOT NULL DEFAULT 0,
  msg_warning INTEGER NOT NULL DEFAULT 0,
  msg_error INTEGER NOT NULL DEFAULT 0,
  msg_critical INTEGER NOT NULL DEFAULT 0,
  cpu_peak REAL,
  rss_peak INTEGER,
  seed INTEGER,
  seed_template TEXT,
  params TEXT,
  timeout REAL,
  retries INTEGER,
  retry_on TEXT,
  mkdir INTEGER,
  attempt INTEGER NOT NULL DEFAULT 1,
  attempt_started_at REAL,
  flaky INTEGER NOT NULL DEFAULT 0,
  cores INTEGER,
  memory INTEGER,
  licenses TEXT,
  queued_at REAL,
  launched_at REAL,
  waited_for TEXT,
  rules TEXT,
  limit_warning INTEGER,
  limit_error INTEGER,
  limit_critical INTEGER,
  stderr_severity INTEGER,
  failure_detail TEXT
) STRICT;
CREATE INDEX node_path ON node(path);
CREATE INDEX node_parent ON node(parent_id);

CREATE TABLE message (
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL,
  ts REAL NOT NULL,
  severity INTEGER NOT NULL,
  stream INTEGER NOT NULL,
  text TEXT NOT NULL,
  raw BLOB,
  attempt INTEGER
) STRICT;
CREATE INDEX message_job_severity ON message(job_id, severity);

CREATE TABLE sample (
  job_id INTEGER NOT NULL,
  ts REAL NOT NULL,
  nproc INTEGER NOT NULL,
  cpu_percent REAL NOT NULL,
  rss_bytes INTEGER NOT NULL
) STRICT;
CREATE INDEX sample_job ON sample(job_id, ts);

-- Jobs run on a cluster: the scheduler's id, the compute host, and how far the head has
-- ingested the job's spool file (updated in the same transaction as the rows it produced).
CREATE TABLE cluster_job (
  job_id INTEGER PRIMARY KEY,
  cluster_id TEXT,
  host TEXT,
  ingested INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Attempts of a retried job that a later attempt replaced; the last one is the node itself.
CREATE TABLE attempt (
  job_id INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  started_at REAL,
  ended_at REAL,
  result INTEGER NOT NULL,
  failure TEXT,
  exit_code INTEGER,
  signal TEXT,
  pid INTEGER,
  msg_warning INTEGER NOT NULL,
  msg_error INTEGER NOT NULL,
  msg_critical INTEGER NOT NULL,
  PRIMARY KEY (job_id, attempt)
) STRICT, WITHOUT ROWID;

CREATE TABLE metric (
  job_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  value REAL NOT NULL,
  count INTEGER NOT NULL,
  sum REAL NOT NULL,
  min REAL NOT NULL,
  max REAL NOT NULL,
  ts REAL NOT NULL,
  PRIMARY KEY (job_id, name)
) STRICT, WITHOUT ROWID;

CREATE TABLE metric_value (
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL,
  ts REAL NOT NULL,
  name TEXT NOT NULL,
  value REAL NOT NULL,
  source INTEGER NOT NULL
) STRICT;
CREATE INDEX metric_value_job ON metric_value(job_id, name);
`;

export const VIEWS = `
CREATE VIEW jobs AS
SELECT id, parent_id, path, ident,
  ${caseOf('kind', NodeKind)} AS kind,
  array_index,
  ${caseOf('state', State)} AS state,
  ${caseOf('result', Result)} AS result,
  exit_code, started_at, ended_at, command, cwd,
  msg_debug, msg_info, msg_warning, msg_error, msg_critical, cpu_peak, rss_peak,
  failure, signal, array_indices, pid, argv, env, rerun_of,
  seed, params, timeout, retries, retry_on, mkdir, attempt, flaky, cores, memory, licenses, queued_at, launched_at, waited_for,
  seed_template,
  failure_detail, limit_warning, limit_error, limit_critical,
  ${caseOf('stderr_severity', Severity)} AS stderr_severity,
  rules
FROM node;

CREATE VIEW messages AS
SELECT m.id AS id, m.job_id AS job_id, n.path AS job_path, m.ts AS ts,
  ${caseOf('m.severity', Severity)} AS severity,
  ${caseOf('m.stream', Stream)} AS stream,
  m.text AS text,
  coalesce(m.attempt, 1) AS attempt,
  m.raw AS raw
FROM message m JOIN node n ON n.id = m.job_id;

CREATE VIEW attempts AS
SELECT a.job_id AS job_id, n.path AS job_path, a.attempt AS attempt, a.started_at AS started_at, a.ended_at AS ended_at,
  ${caseOf('a.result', Result)} AS result,
  a.failure AS failure, a.exit_code AS exit_code, a.signal AS signal, a.pid AS pid,
  a.msg_warning AS msg_warning, a.msg_error AS msg_error, a.msg_critical AS msg_critical, 0 AS final
FROM attempt a JOIN node n ON n.id = a.job_id
UNION ALL
SELECT id, path, attempt, coalesce(attempt_started_at, started_at), ended_at,
  ${caseOf('result', Result)},
  failure, exit_code, signal, pid, msg_warning, msg_error, msg_critical, 1
FROM node WHERE kind = 0 AND started_at IS NOT NULL;

CREATE VIEW samples AS
SELECT s.job_id AS job_id, n.path AS job_path, s.ts AS ts, s.nproc AS nproc,
  s.cpu_percent AS cpu_percent, s.rss_bytes AS rss_bytes
FROM sample s JOIN node n ON n.id = s.job_id;

CREATE VIEW metrics AS
SELECT x.job_id AS job_id, n.path AS job_path, x.name AS name, x.value AS value,
  x.count AS count, x.sum AS sum, x.min AS min, x.max AS max, x.sum / x.count AS mean, x.ts AS ts
FROM metric x JOIN node n ON n.id = x.job_id;

CREATE VIEW cluster_jobs AS
SELECT c.job_id AS job_id, n.path AS job_path, c.cluster_id AS cluster_id, c.host AS host
FROM cluster_job c JOIN node n ON n.id = c.job_id;

CREATE VIEW metric_values AS
SELECT v.id AS id, v.job_id AS job_id, n.path AS job_path, v.ts AS ts, v.name AS name, v.value AS value,
  ${caseOf('v.source', Stream)} AS source
FROM metric_value v JOIN node n ON n.id = v.job_id;

CREATE VIEW metric_rollup AS
SELECT CASE g.kind WHEN 1 THEN 'group' ELSE 'array' END AS scope, g.id AS node_id, g.path AS path, x.name AS name,
  count(*) AS count, sum(x.value) AS sum, min(x.value) AS min, max(x.value) AS max, avg(x.value) AS mean
FROM node g JOIN metric x ON x.job_id BETWEEN g.id + 1 AND g.subtree_end
WHERE g.kind IN (1, 2)
GROUP BY g.id, x.name
UNION ALL
SELECT 'run', NULL, NULL, x.name, count(*), sum(x.value), min(x.value), max(x.value), avg(x.value)
FROM metric x
GROUP BY x.name;

CREATE VIEW run AS
SELECT id, spec_path, started_at, ended_at,
  ${caseOf('result', RunResult)} AS result,
  exit_code, host, argv, rerun_of, pid, heartbeat_at, seed, pools
FROM run_info;
`;

/** The public views and what each is for, for `gator query --schema` and the docs. */
export const PUBLIC_VIEWS = ['jobs', 'messages', 'attempts', 'samples', 'metrics', 'metric_values', 'metric_rollup', 'run', 'cluster_jobs'] as const;
