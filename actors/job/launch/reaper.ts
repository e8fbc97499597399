// No job started by Node outlives the runner. Such jobs are the runner's own children, each
// the leader of a process group of its own, so when the runner is SIGKILLed (alone or with its
// whole group) nothing would ever stop them. A reaper is a /bin/sh process in a session of its
// own that holds, on its stdin, the list of the groups still running; the runner is the only
// writer of that pipe, so the pipe ends exactly when the runner does, however it ended, and
// the reaper then kills every group on the list. Chosen by measurement against a Node reaper
// and a parent-death signal (ARCHITECTURE.md, "Processes"; benchmarks/micro/reaper.ts).
import { spawn, type ChildProcess } from 'node:child_process';

/**
 * `+ PGID` adds a group, `- PGID` removes it; at the end of input every group left gets SIGKILL.
 * awk reads its input in blocks and keeps the groups in a hash (measured: under a microsecond
 * per line, against 130-180 µs for a shell `read` loop, which reads a byte per system call and
 * rebuilds its list on every removal); the loop stays as the fallback where there is no awk.
 */
/** Signals that must not end the reaper: they reach it with the runner's group. */
const IGNORE_SIGNALS = "trap '' INT HUP TERM QUIT\n";
/** The awk reaper (benchmarks/micro/reaper.ts measures it alone). */
export const AWK_REAPER = `exec awk '$1 == "+" { live[$2] = 1 } $1 == "-" { delete live[$2] } END { for (g in live) list = list " -" g; if (list != "") system("kill -9" list " 2>/dev/null") }'\n`;
/** The shell read loop, where there is no awk (benchmarks/micro/reaper.ts measures it alone). */
export const SH_REAPER = `groups=' '
while read -r op pgid; do
  case $op in
    +) groups="$groups$pgid " ;;
    -) case $groups in *" $pgid "*) groups="\${groups%% $pgid *} \${groups#* $pgid }" ;; esac ;;
  esac
done
for pgid in $groups; do kill -9 "-$pgid" 2>/dev/null; done
`;
/** A reaper script on its own, as `/bin/sh -c` runs it. */
export const reaperScript = (body: string): string => IGNORE_SIGNALS + body;
const SCRIPT = reaperScript(`if command -v awk >/dev/null 2>&1; then\n  ${AWK_REAPER}fi\n${SH_REAPER}`);

export class Reaper {
  #process: ChildProcess | null = null;
  /** Kept here too, so that a reaper that died is replaced with the whole list. */
  readonly #groups = new Set<number>();
  #closed = false;

  /** Number of groups it would kill now. */
  get size(): number {
    return this.#groups.size;
  }

  /** From now until `forget`, the group `pgid` dies with the runner. */
  watch(pgid: number): void {
    this.#groups.add(pgid);
    this.#send(`+ ${pgid}\n`);
  }

  forget(pgid: number): void {
    if (!this.#groups.delete(pgid)) return;
    this.#send(`- ${pgid}\n`);
  }

  /** The runner is ending normally: let the reaper go (it kills whatever is still listed). */
  close(): void {
    this.#closed = true;
    this.#process?.stdin?.end();
    this.#process = null;
  }

  #send(line: string): void {
    if (this.#closed) return;
    const reaper = this.#process ?? this.#start();
    reaper?.stdin?.write(line);
  }

  #start(): ChildProcess | null {
    const child = spawn('/bin/sh', ['-c', SCRIPT], {
      // A session of its own: a terminal's Ctrl+C or hang-up and `kill -- -PGID` miss it.
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    child.on('error', () => undefined);
    child.stdin?.on('error', () => undefined);
    if (child.pid === undefined) return null;
    // It must not keep the runner's thread alive; the thread's end closes its pipe.
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    child.once('exit', () => {
      if (this.#process !== child) return;
      // Killed by someone: a new one takes over the whole list.
      this.#process = null;
      if (this.#groups.size > 0) this.#send([...this.#groups].map((pgid) => `+ ${pgid}\n`).join(''));
    });
    this.#process = child;
    return child;
  }
}
