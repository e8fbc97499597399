// What the actor unit tests share: a plan from YAML text, a job thread's services with a real
// Outbox on a fake context, a launcher that starts nothing, a sampler that samples nothing and
// process groups that record their signals instead of sending them.
import type { JobHostServices } from '../../actors/job-host-services.js';
import type { ApiEndpoint, ApiEndpoints, EndpointHandler } from '../../actors/job/api/endpoints.js';
import type { Launched, Launcher, LaunchListener, LaunchSpec } from '../../actors/job/launch/launcher.js';
import type { TreeSampler } from '../../actors/job/sampler.js';
import { Outbox } from '../../actors/outbox-actor.js';
import { ProcessGroups, type GroupSignal } from '../../actors/process-groups.js';
import type { ConsoleEvent, OutboxMessage, RunSettings } from '../../actors/protocol.js';
import { parseSpec, planRun, type Plan } from '../../spec/index.js';
import type { NodeChange } from '../../storage/batch.js';
import { Severity } from '../../vocabulary/codes.js';
import { FakeContext } from './fake-context.js';

export const planOf = (yaml: string): Plan => planRun(parseSpec(yaml, 'test.yaml'), { specPath: 'test.yaml', launchDir: '/tmp', baseEnv: {}, runSeed: 1 });

export const SETTINGS: RunSettings = {
  limits: { warning: null, error: 0, critical: 0 },
  interval: 1,
  grace: 5,
  consoleSeverity: Severity.WARNING,
};

export class FakeLauncher implements Launcher {
  readonly launches: { spec: LaunchSpec; listener: LaunchListener; flow: boolean[]; cut: { asked: boolean } }[] = [];
  launch(spec: LaunchSpec, listener: LaunchListener): Launched {
    const flow: boolean[] = [];
    const cut = { asked: false };
    this.launches.push({ spec, listener, flow, cut });
    return { pause: () => void flow.push(true), resume: () => void flow.push(false), cut: () => void (cut.asked = true) };
  }
}

/** Job-API endpoints that listen at once (a made-up port) and have no connections. */
export class FakeApiEndpoints implements ApiEndpoints {
  readonly opened: EndpointHandler[] = [];
  open(handler: EndpointHandler): ApiEndpoint {
    this.opened.push(handler);
    handler.ready(40_000 + this.opened.length);
    return { answer: () => undefined, hold: () => undefined, drain: (_ms, done) => done(0), close: () => undefined };
  }
}

export class FakeSampler implements TreeSampler {
  readonly watched = new Set<number>();
  watch(leader: number): void {
    this.watched.add(leader);
  }
  unwatch(leader: number): void {
    this.watched.delete(leader);
  }
}

export interface Rig {
  readonly services: JobHostServices;
  readonly outboxContext: FakeContext<OutboxMessage>;
  readonly launcher: FakeLauncher;
  readonly sampler: FakeSampler;
  /** Signals sent to process groups, as `[pgid, signal, reason]`. */
  readonly signals: [number, GroupSignal, string][];
  /** Ships what the outbox holds and returns the state changes and console events it shipped. */
  ship(): { changes: NodeChange[]; events: ConsoleEvent[]; lines: number };
}

export const makeRig = (options: { debug?: boolean } = {}): Rig => {
  const outboxContext = new FakeContext<OutboxMessage>();
  const run = outboxContext.address(0);
  const storage = outboxContext.address(1);
  const outbox = new Outbox(outboxContext, { run, storage, sampleInterval: 1, debug: options.debug ?? false });
  const signals: [number, GroupSignal, string][] = [];
  const processGroups = new ProcessGroups({ kill: () => undefined, onSignal: (pgid, signal, reason) => signals.push([pgid, signal, reason]) });
  const launcher = new FakeLauncher();
  const sampler = new FakeSampler();
  return {
    services: {
      outbox,
      launcher,
      sampler,
      processGroups,
      clusterLauncher: () => {
        throw new Error('no cluster in actor unit tests');
      },
      api: new FakeApiEndpoints(),
    },
    outboxContext,
    launcher,
    sampler,
    signals,
    ship: () => {
      outbox.flush();
      const changes: NodeChange[] = [];
      const events: ConsoleEvent[] = [];
      let lines = 0;
      for (const sent of outboxContext.sent) {
        const message = sent.message as { type: string; batch?: { changes?: NodeChange[]; messages?: { jobId: number[] } }; events?: ConsoleEvent[] };
        if (message.type === 'write') {
          changes.push(...(message.batch?.changes ?? []));
          lines += message.batch?.messages?.jobId.length ?? 0;
        }
        if (message.type === 'events') events.push(...(message.events ?? []));
      }
      outboxContext.sent = [];
      return { changes, events, lines };
    },
  };
};
