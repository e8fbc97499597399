// The one owner of signals to jobs' process groups. Every job runs in its own process group
// (session) whose id is its pid, so one kill(-pid) reaches the job and everything it started.
// Every SIGTERM and SIGKILL the runner sends to a job goes through here: a stop request, a job
// past its timeout, the grace period running out, a job whose watcher was lost, an actor that
// failed, and the run's last-resort sweep. The spawn server's own kill on stdin EOF
// (native/spawn-server.c) is the only other sender: it covers a runner that was SIGKILLed
// and can run no code at all.

/** The signals the runner sends to a job's process group. */
export type GroupSignal = 'SIGTERM' | 'SIGKILL';

/** Why a group is signalled; says in a test or a trace which path sent it. */
export type SignalReason = 'stop' | 'grace-expired' | 'force' | 'lost' | 'stragglers' | 'actor-failed' | 'sweep' | 'timeout';

/** Sends a signal to a whole process group; throws like `process.kill` when it is gone. */
export type KillGroup = (pgid: number, signal: GroupSignal) => void;

const killGroup: KillGroup = (pgid, signal) => process.kill(-pgid, signal);

/**
 * Signals process groups and remembers the ones still alive. One per thread: the job threads'
 * instance signals their jobs; the main thread's instance, fed by the jobs' `started` and
 * `ended` state changes, is the run's last-resort sweep.
 */
export class ProcessGroups {
  readonly #kill: KillGroup;
  /** Node id → process group id of every job known to be alive. */
  readonly #live = new Map<number, number>();
  readonly #onSignal: ((pgid: number, signal: GroupSignal, reason: SignalReason) => void) | undefined;

  constructor(options: { kill?: KillGroup; onSignal?: (pgid: number, signal: GroupSignal, reason: SignalReason) => void } = {}) {
    this.#kill = options.kill ?? killGroup;
    this.#onSignal = options.onSignal;
  }

  /** Signals one group; false when it was already gone. */
  signal(pgid: number, signal: GroupSignal, reason: SignalReason): boolean {
    this.#onSignal?.(pgid, signal, reason);
    try {
      this.#kill(pgid, signal);
      return true;
    } catch {
      return false; // ESRCH: the group is already gone.
    }
  }

  /** A job's process group exists from now on. */
  started(nodeId: number, pgid: number): void {
    this.#live.set(nodeId, pgid);
  }

  /** A job ended; its group needs no sweep. */
  ended(nodeId: number): void {
    this.#live.delete(nodeId);
  }

  /** Process groups not known to have ended. */
  get live(): ReadonlyMap<number, number> {
    return this.#live;
  }

  /** SIGKILLs every group still alive: no job process outlives the run, whatever happened to its actor. */
  sweep(): void {
    for (const pgid of this.#live.values()) this.signal(pgid, 'SIGKILL', 'sweep');
  }
}
