// The failure groups, exactly as `gator report` computes them (the same reader): biggest group
// first, each with its jobs, an example's last lines, and two commands to copy: the one that prints
// the example's whole log and the shell line that runs it again outside gator.
import { useEffect, useState } from 'preact/hooks';
import type { Failures, RunSummary } from '../../protocol.js';
import { getJson, runPath } from '../api.js';
import { CopyCommand } from '../parts/copy.js';
import { clock } from '../format.js';
import { jobUrl } from '../router.js';

const JOBS_SHOWN = 20;

export function FailuresTab({ run }: { run: RunSummary }) {
  const [failures, setFailures] = useState<Failures | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<Set<number>>(new Set());
  // Re-read when the number of failed jobs changes (the groups follow a live run).
  useEffect(() => {
    getJson<Failures>(`${runPath(run.name)}/failures`).then(setFailures, (e: Error) => setError(e.message));
  }, [run.name, run.counts.failed, run.status]);
  if (error !== null) return <p class="error">{error}</p>;
  if (failures === null) return <p class="loading">Grouping failures…</p>;
  if (failures.jobs === 0)
    return (
      <p class="empty" data-testid="no-failures">
        No job failed{run.status === 'running' ? ' so far' : ''}.
      </p>
    );
  return (
    <div class="failures" data-testid="failures">
      <h2 data-testid="failures-summary">{failures.summary}</h2>
      {failures.groups.map((group, index) => {
        const all = open.has(index);
        const jobs = all ? group.jobs : group.jobs.slice(0, JOBS_SHOWN);
        return (
          <article class="failure-group" data-testid="failure-group" data-count={group.count}>
            <h3 class="headline" data-signature={group.signature}>
              {group.headline}
            </h3>
            <p class="reason">
              e.g. <a href={jobUrl(run.name, group.example.jobId)}>{group.example.path}</a>: {group.example.reason}
            </p>
            <ul class="group-jobs">
              {jobs.map((job) => (
                <li data-path={job.path}>{job.id === null ? job.path : <a href={jobUrl(run.name, job.id)}>{job.path}</a>}</li>
              ))}
            </ul>
            {group.jobs.length > JOBS_SHOWN && !all ? (
              <button type="button" class="more" onClick={() => setOpen(new Set([...open, index]))}>
                and {group.jobs.length - JOBS_SHOWN} more
              </button>
            ) : null}
            {group.example.lastLines.length > 0 ? (
              <pre class="context">
                {group.example.lastLines.map((line) => (
                  <div class={`sev-${line.severity}`}>
                    {clock(line.ts)} {line.severity.padEnd(8)} {line.text}
                  </div>
                ))}
              </pre>
            ) : null}
            <CopyCommand command={group.replay} label="whole log:" testId="replay" />
            {group.repro === null ? null : <CopyCommand command={group.repro} label="repro:" testId="repro" />}
          </article>
        );
      })}
    </div>
  );
}
