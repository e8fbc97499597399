// Output for commands that print a lot: large chunks, backpressure, and a reader that goes
// away (`| head`) ends us quietly.

/** Characters gathered before one write: large writes are what makes millions of lines cheap. */
export const CHUNK_CHARS = 64 * 1024;

export class OutputSink {
  readonly #stream: NodeJS.WritableStream & { destroyed?: boolean };
  #buffer = '';
  #closed = false;
  #error: Error | null = null;

  constructor(stream: NodeJS.WritableStream = process.stdout) {
    this.#stream = stream;
    stream.on('error', (error: NodeJS.ErrnoException) => {
      this.#closed = true;
      // EPIPE is the reader leaving (`| head`); anything else is worth reporting.
      if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') this.#error = error;
    });
  }

  /** True once nobody reads any more: stop producing. */
  get closed(): boolean {
    return this.#closed || this.#stream.destroyed === true;
  }

  get error(): Error | null {
    return this.#error;
  }

  /** Adds text; call `flush` when `full` says so. */
  add(text: string): void {
    this.#buffer += text;
  }

  get full(): boolean {
    return this.#buffer.length >= CHUNK_CHARS;
  }

  /** Writes what is buffered, waiting for the stream to drain when it asks us to. */
  async flush(): Promise<void> {
    if (this.#buffer === '') return;
    const text = this.#buffer;
    this.#buffer = '';
    if (this.closed) return;
    if (!this.#stream.write(text) && !this.closed) await this.#drained();
  }

  #drained(): Promise<void> {
    const stream = this.#stream;
    return new Promise((resolve) => {
      const done = (): void => {
        stream.off('drain', done);
        stream.off('error', done);
        stream.off('close', done);
        resolve();
      };
      stream.on('drain', done);
      stream.on('error', done);
      stream.on('close', done);
    });
  }
}
