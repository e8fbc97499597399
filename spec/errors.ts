// SpecError: the one error type the spec layer throws. Its message is always a single line
// `file:line:col: what is wrong`, so the CLI can print it as is (no stack trace) and editors
// and CI annotators can jump to the spot.
import type { SourcePos } from './model.js';
import type { SpecWarning } from './plan.js';

/** A warning as one line: `file:line:col: what`, as an error is written. */
export const describeSpecWarning = (warning: SpecWarning): string => `${warning.pos.file}:${warning.pos.line}:${warning.pos.col}: ${warning.message}`;

export class SpecError extends Error {
  override readonly name = 'SpecError';
  /** The spec file, as the caller named it. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
  /** What is wrong, without the location prefix. */
  readonly problem: string;

  constructor(file: string, line: number, col: number, problem: string, options?: { cause?: unknown }) {
    const oneLine = problem.replace(/\s*[\r\n]+\s*/g, ' ').trim();
    super(`${file}:${line}:${col}: ${oneLine}`, options);
    this.file = file;
    this.line = line;
    this.col = col;
    this.problem = oneLine;
  }

  static at(pos: SourcePos, problem: string, options?: { cause?: unknown }): SpecError {
    return new SpecError(pos.file, pos.line, pos.col, problem, options);
  }

  get pos(): SourcePos {
    return { file: this.file, line: this.line, col: this.col };
  }
}
