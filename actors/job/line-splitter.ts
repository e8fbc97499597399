// Splits a byte stream into lines without ever decoding across a line boundary, so invalid
// UTF-8 stays confined to its own line and its bytes can be kept whole.
import { isUtf8 } from 'node:buffer';

/** Longer lines are cut into pieces of this size, so one endless line cannot exhaust memory. */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

export type LineSink = (text: string, raw: Uint8Array | null) => void;

const NEWLINE = 0x0a;
const CR = 0x0d;

const withoutCr = (line: Buffer): Buffer => (line[line.length - 1] === CR ? line.subarray(0, line.length - 1) : line);

export class LineSplitter {
  #partial: Buffer[] = [];
  #partialBytes = 0;
  #emit: LineSink;

  constructor(emit: LineSink) {
    this.#emit = emit;
  }

  /** Bytes of a line not yet ended. */
  get pending(): number {
    return this.#partialBytes;
  }

  push(chunk: Buffer): void {
    let start = 0;
    let newline = chunk.indexOf(NEWLINE, start);
    if (newline === -1) {
      this.#keep(chunk);
      return;
    }
    if (this.#partialBytes > 0) {
      this.#line(withoutCr(Buffer.concat([...this.#partial, chunk.subarray(0, newline)])));
      this.#partial = [];
      this.#partialBytes = 0;
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (newline !== -1) {
      // One validity check for the run of whole lines; per-line checks only when it fails.
      const lastNewline = chunk.lastIndexOf(NEWLINE);
      const valid = isUtf8(chunk.subarray(start, lastNewline));
      while (newline !== -1) {
        const end = newline > start && chunk[newline - 1] === CR ? newline - 1 : newline;
        if (valid) this.#text(chunk.toString('utf8', start, end));
        else this.#line(chunk.subarray(start, end));
        start = newline + 1;
        newline = chunk.indexOf(NEWLINE, start);
      }
    }
    if (start < chunk.length) this.#keep(chunk.subarray(start));
  }

  /** Emits a last line that had no newline. */
  end(): void {
    if (this.#partialBytes === 0) return;
    const rest = Buffer.concat(this.#partial);
    this.#partial = [];
    this.#partialBytes = 0;
    this.#line(withoutCr(rest));
  }

  #keep(piece: Buffer): void {
    // Copy: the stream may reuse its buffer, and a small view must not pin a 64 KiB chunk.
    this.#partial.push(Buffer.from(piece));
    this.#partialBytes += piece.length;
    if (this.#partialBytes >= MAX_LINE_BYTES) {
      const whole = Buffer.concat(this.#partial);
      this.#partial = [];
      this.#partialBytes = 0;
      this.#line(whole);
    }
  }

  #line(bytes: Buffer): void {
    if (isUtf8(bytes)) this.#text(bytes.toString('utf8'));
    else this.#emit(bytes.toString('utf8'), new Uint8Array(bytes));
  }

  #text(text: string): void {
    this.#emit(text, null);
  }
}
