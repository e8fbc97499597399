// What every actor of a job thread shares, as one object: the thread's outbox, its launcher,
// its sampler and its process groups. The outbox actor creates it when it starts and provides it
// to the host; the job and group actors of that host receive it in their constructors. The run
// actor starts the root only after every job host's outbox has reported ready
// (`RunActor`'s `awaiting-outboxes` step), so the object exists before any actor needs it.
import { hostLocal } from '../runtime/index.js';
import { createApiEndpoints, type ApiEndpoints } from './job/api/endpoints.js';
import type { Launcher } from './job/launch/launcher.js';
import { createLauncher } from './job/launch/launcher.js';
import { createSampler, type TreeSampler } from './job/sampler.js';
import type { Outbox } from './outbox-actor.js';
import { ProcessGroups } from './process-groups.js';
import type { ClusterSettings } from '../cluster/settings.js';
import { ClusterLauncher } from './job/launch/cluster-launcher.js';

export interface JobHostServices {
  /** Where the host's actors put lines, state changes, samples and console events. */
  readonly outbox: Outbox;
  /** Starts jobs' processes; the spawn server is started at the first launch. */
  readonly launcher: Launcher;
  /** Samples every running job's process tree on one timer. */
  readonly sampler: TreeSampler;
  /** Sends every signal to this host's jobs' process groups. */
  readonly processGroups: ProcessGroups;
  /** Starts jobs on a cluster: one per run, created at the first cluster job. */
  readonly clusterLauncher: (settings: ClusterSettings, grace: number, interval: number) => ClusterLauncher;
  /** Opens each job's own job-API endpoint (GATOR_PARENT). */
  readonly api: ApiEndpoints;
}

/** The key under which a job host shares its services. */
export const JOB_HOST_SERVICES = hostLocal<JobHostServices>('job host services');

/** The services of a job host whose outbox is `outbox`; `debug` receives the runner's own detail. */
export const createJobHostServices = (
  outbox: Outbox,
  options: { readonly sampleInterval: number; readonly debug: (text: string) => void },
): JobHostServices => {
  let launcher: Launcher | null = null;
  const lazyLauncher: Launcher = {
    launch: (spec, listener) => {
      if (launcher === null) {
        const choice = createLauncher();
        launcher = choice.launcher;
        options.debug(choice.fallback === null ? 'jobs start through the spawn server' : `jobs start through Node: ${choice.fallback}`);
      }
      return launcher.launch(spec, listener);
    },
  };
  let cluster: ClusterLauncher | null = null;
  const clusterLauncher = (settings: ClusterSettings, grace: number, interval: number): ClusterLauncher => {
    if (cluster === null) {
      cluster = new ClusterLauncher(settings, grace, interval, options.debug);
      options.debug(`leaf jobs go to ${settings.scheduler} as ${settings.name}`);
    }
    return cluster;
  };
  return {
    outbox,
    launcher: lazyLauncher,
    sampler: createSampler(options.sampleInterval),
    processGroups: new ProcessGroups(),
    clusterLauncher,
    api: createApiEndpoints(),
  };
};
