// JUnit XML as CI servers read it (the Jenkins junit-4.xsd family): one <testsuite> per group
// or array with leaf jobs directly under it, one <testcase> per job named by its ident (which
// carries the array index, so names are unique within a suite) with the parent's dotted path as
// classname, the first ERROR line as the failure message, and only the last lines of output
// with a pointer to the rest in the run database (GitLab and Jenkins choke on huge outputs).
import type Database from 'better-sqlite3';
import { replayCommand } from '../../vocabulary/wording.js';
import { readMetricRollup, type RolledUpMetric } from './metrics.js';
import { failureKind, failureReason, firstErrorLine, jobDuration, tailLines, type JobRow } from './jobs.js';
import { shownJob, type RunStatus } from './liveness.js';
import { reproCommand } from './repro.js';
import type { RunRow } from './run-info.js';

export interface JunitOptions {
  readonly dbPath: string;
  readonly run: RunRow;
  readonly status: RunStatus;
  /** The run's end, now, or its last heartbeat (see liveness.runEndTime). */
  readonly endTime: number;
  /** Lines of output kept per test case. */
  readonly outputLines?: number;
  /** Characters kept of a failure message. */
  readonly messageChars?: number;
}

// Failure kinds that mean the job did not get to finish, which JUnit calls an error.
const ERROR_KINDS = new Set(['spawn', 'cut-off', 'interrupted']);

const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b[@-Z\\-_]/g;
// Characters XML 1.0 cannot carry at all (lone surrogates included, thanks to the `u` flag).
const NOT_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text fit for XML: colour codes and characters XML cannot carry removed. */
export const xmlClean = (text: string): string => text.replace(ANSI, '').replace(NOT_XML, '');

export const xmlText = (text: string): string => xmlClean(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const xmlAttr = (text: string): string => xmlText(text).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');

const seconds = (value: number): string => value.toFixed(3);

/** Ant's timestamp form: UTC, no zone suffix. */
const timestamp = (unix: number): string => new Date(unix * 1000).toISOString().slice(0, 19);

interface Case {
  readonly job: JobRow;
  readonly xml: string;
  readonly outcome: 'passed' | 'failure' | 'error' | 'skipped';
  readonly time: number;
}

/** Which instance it was: its seed, its parameter values, and the attempt when it was retried. */
const instance = (job: JobRow): string[] => [
  ...(job.seed === null ? [] : [`seed: ${job.seed}`]),
  ...(job.params === null
    ? []
    : [
        `params: ${Object.entries(job.params)
          .map(([name, value]) => `${name}=${value}`)
          .join(' ')}`,
      ]),
  ...(job.attempt > 1 ? [`attempt: ${job.attempt}${job.flaky ? ' (passed after a retry: flaky)' : ''}`] : []),
];

const skipReason = (job: JobRow, status: RunStatus): string => {
  if (job.result === 'aborted') return 'aborted: a dependency did not go the required way';
  if (status === 'cut-off') return 'never started: the run was cut off';
  if (job.state === 'running' || job.state === 'launched') return 'still running';
  return 'not run yet';
};

function testCase(db: Database.Database, job: JobRow, classname: string, options: JunitOptions): Case {
  const shown = shownJob(job, options.status);
  const time = jobDuration(job, options.endTime);
  const parts: string[] = [];
  let outcome: Case['outcome'] = 'passed';
  if (shown.result === 'failure' || shown.result === 'cut-off') {
    const kind = failureKind(job, shown.result);
    const reason = failureReason(job, shown.result);
    const firstError = firstErrorLine(db, job.id, job.attempt);
    outcome = ERROR_KINDS.has(kind) ? 'error' : 'failure';
    const message = (firstError ?? reason).slice(0, options.messageChars ?? 1000);
    const repro = reproCommand(job);
    const body = [
      reason,
      ...(firstError === null ? [] : [`first error: ${firstError}`]),
      ...instance(job),
      `whole log: ${replayCommand(options.dbPath, job.path)}`,
      ...(repro === null ? [] : [`repro: ${repro}`]),
    ];
    parts.push(`<${outcome} message="${xmlAttr(message)}" type="${xmlAttr(kind)}">${xmlText(body.join('\n'))}</${outcome}>`);
  } else if (shown.result !== 'success') {
    outcome = 'skipped';
    parts.push(`<skipped message="${xmlAttr(skipReason(job, options.status))}"/>`);
  }
  const keep = options.outputLines ?? 50;
  const { total, lines } = tailLines(db, job.id, keep);
  if (total > 0) {
    const head = total > lines.length ? [`… ${total - lines.length} earlier lines: ${replayCommand(options.dbPath, job.path)}`] : [];
    parts.push(`<system-out>${xmlText([...head, ...lines.map((line) => line.text)].join('\n'))}</system-out>`);
  }
  const open = `<testcase name="${xmlAttr(job.ident)}" classname="${xmlAttr(classname)}" time="${seconds(time)}"`;
  const xml = parts.length === 0 ? `    ${open}/>` : `    ${open}>\n      ${parts.join('\n      ')}\n    </testcase>`;
  return { job, xml, outcome, time };
}

/** The run as one JUnit XML document. */
/** `gator.metric.NAME.count|sum|min|max|mean` properties of a group's or array's roll-up. */
const metricProperties = (rows: readonly RolledUpMetric[] | undefined): string[] =>
  (rows ?? []).flatMap((m) =>
    (['count', 'sum', 'min', 'max', 'mean'] as const).map(
      (stat) => `      <property name="${xmlAttr(`gator.metric.${m.name}.${stat}`)}" value="${xmlAttr(String(m[stat]))}"/>`,
    ),
  );

export function exportJunit(db: Database.Database, jobs: readonly JobRow[], options: JunitOptions): string {
  const rolledUp = new Map<number | null, RolledUpMetric[]>();
  for (const row of readMetricRollup(db)) {
    const list = rolledUp.get(row.nodeId);
    if (list === undefined) rolledUp.set(row.nodeId, [row]);
    else list.push(row);
  }
  const byId = new Map(jobs.map((job) => [job.id, job]));
  // Leaf jobs grouped under their parent, suites in spec order; a lone root job is its own suite.
  const suites = new Map<number, JobRow[]>();
  for (const job of jobs) {
    if (job.kind !== 'job') continue;
    const key = job.parentId ?? job.id;
    const list = suites.get(key);
    if (list === undefined) suites.set(key, [job]);
    else list.push(job);
  }
  const out: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let totalTime = 0;
  let suiteId = 0;
  for (const [key, leaves] of [...suites.entries()].sort((a, b) => a[0] - b[0])) {
    const owner = byId.get(key) as JobRow;
    const name = owner.path;
    const cases = leaves.map((job) => testCase(db, job, name, options));
    const count = (outcome: Case['outcome']): number => cases.filter((c) => c.outcome === outcome).length;
    // Loops rather than Math.min(...): one array can hold 100,000 jobs.
    let first = Infinity;
    for (const job of leaves) if (job.startedAt !== null) first = Math.min(first, job.startedAt);
    if (first === Infinity) first = options.run.startedAt;
    let last = first;
    for (const job of leaves) if (job.startedAt !== null) last = Math.max(last, job.endedAt ?? options.endTime);
    const time = last - first;
    const dot = name.lastIndexOf('.');
    tests += cases.length;
    failures += count('failure');
    errors += count('error');
    totalTime = Math.max(totalTime, last - options.run.startedAt);
    out.push(
      `  <testsuite name="${xmlAttr(name)}" tests="${cases.length}" failures="${count('failure')}" errors="${count('error')}" ` +
        `skipped="${count('skipped')}" time="${seconds(time)}" timestamp="${timestamp(first)}" hostname="${xmlAttr(options.run.host)}" ` +
        `id="${suiteId++}" package="${xmlAttr(dot < 0 ? name : name.slice(0, dot))}">`,
      '    <properties>',
      `      <property name="gator.run" value="${xmlAttr(options.run.id)}"/>`,
      `      <property name="gator.spec" value="${xmlAttr(options.run.specPath)}"/>`,
      `      <property name="gator.database" value="${xmlAttr(options.dbPath)}"/>`,
      `      <property name="gator.status" value="${xmlAttr(options.status)}"/>`,
      // The suite's group or array rolled up (a lone root job's suite: the run's).
      ...metricProperties(rolledUp.get(owner.kind === 'job' ? null : owner.id)),
      '    </properties>',
      ...cases.map((c) => c.xml),
      '  </testsuite>',
    );
  }
  const head = `<testsuites name="${xmlAttr(`gator ${options.run.specPath}`)}" tests="${tests}" failures="${failures}" errors="${errors}" time="${seconds(totalTime)}">`;
  return ['<?xml version="1.0" encoding="UTF-8"?>', head, ...out, '</testsuites>', ''].join('\n');
}
