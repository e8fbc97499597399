// Puts the terminal into the live panel's state and back. The panel hides the cursor and
// turns off line wrapping while it draws; whatever ends the process (the run's own Ctrl+C
// handling, process.exit, an uncaught error, a signal nobody handles) must give them back.
// signal-exit covers all of those, including re-raising a signal that had no other listener.
import { writeSync } from 'node:fs';
import ansiEscapes from 'ansi-escapes';
import { onExit } from 'signal-exit';

/** DECAWM: autowrap off/on. Not in ansi-escapes; the panel turns it off only around its own lines. */
export const WRAP_OFF = '\u001b[?7l';
export const WRAP_ON = '\u001b[?7h';
/** Everything the panel may have changed, restored; harmless to send twice. */
export const RESTORE = ansiEscapes.endSynchronizedOutput + WRAP_ON + ansiEscapes.cursorShow;

/** A stream's write that completes before returning, so it still lands inside an exit handler. */
export const writeNow = (stream: NodeJS.WriteStream, text: string): void => {
  // process.stdout/stderr carry their descriptor; the NodeJS.WriteStream type does not say so.
  const fd = (stream as { readonly fd?: unknown }).fd;
  if (typeof fd === 'number') {
    try {
      writeSync(fd, text);
      return;
    } catch {
      // Not a real descriptor (a test double, a closed terminal): fall back to the stream.
    }
  }
  stream.write(text);
};

export class TerminalGuard {
  readonly #stream: NodeJS.WriteStream;
  #removeHook: (() => void) | null = null;

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
  }

  get active(): boolean {
    return this.#removeHook !== null;
  }

  /** Hides the cursor; `lastWords` runs before the restore on any exit (flushes queued lines). */
  enter(lastWords: () => string): void {
    if (this.#removeHook !== null) return;
    this.#removeHook = onExit(
      () => {
        this.#removeHook = null;
        writeNow(this.#stream, lastWords() + RESTORE);
      },
      { alwaysLast: true },
    );
    this.#stream.write(ansiEscapes.cursorHide);
  }

  /** Shows the cursor and restores wrapping; idempotent. */
  leave(lastWords = ''): void {
    if (this.#removeHook === null) return;
    this.#removeHook();
    this.#removeHook = null;
    writeNow(this.#stream, lastWords + RESTORE);
  }
}
