// One line per message, the same live and in `gator replay`: time, severity, job path, text.
// Runner events (a job's start and end, status lines) use the same columns with a tag in place
// of the severity, so a person scanning the log reads one format.
import type { SeverityName } from '../vocabulary/codes.js';
import { palette, type Palette } from './color.js';
import { visible } from './visible.js';

export interface LineStyle {
  readonly color: boolean;
}

/** The tags of runner-event lines; severities and tags share the 8-character column. */
export type EventTag = 'START' | 'PASS' | 'FAIL' | 'ABORT' | 'STATUS' | 'STOP' | 'RUN';

type Paint = (colors: Palette, text: string) => string;

const SEVERITY_PAINT: Readonly<Record<SeverityName, Paint>> = {
  DEBUG: (c, t) => c.cyan(t),
  INFO: (c, t) => c.bold(t),
  WARNING: (c, t) => c.bold(c.yellow(t)),
  ERROR: (c, t) => c.bold(c.red(t)),
  CRITICAL: (c, t) => c.bold(c.white(c.bgRed(t))),
};

const TAG_PAINT: Readonly<Record<EventTag, Paint>> = {
  START: (c, t) => c.blue(t),
  PASS: (c, t) => c.green(t),
  FAIL: (c, t) => c.bold(c.red(t)),
  ABORT: (c, t) => c.yellow(t),
  STATUS: (c, t) => c.magenta(t),
  STOP: (c, t) => c.bold(c.yellow(t)),
  RUN: (c, t) => c.bold(t),
};

const COLUMN = 8;
const COLORS_ON = palette(true);
const COLORS_OFF = palette(false);

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** Local wall-clock `HH:MM:SS` of a unix-seconds timestamp. */
export const clock = (ts: number): string => {
  const date = new Date(ts * 1000);
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
};

/** Everything of a line before its text; it depends only on the whole second, the label and the path. */
const prefix = (ts: number, label: string, paint: Paint, path: string, style: LineStyle): string => {
  const colors = style.color ? COLORS_ON : COLORS_OFF;
  return `${colors.dim(clock(ts))} ${paint(colors, label.padEnd(COLUMN))} ${colors.dim(`${visible(path)}:`)} `;
};

const compose = (ts: number, label: string, paint: Paint, path: string, text: string, style: LineStyle): string =>
  prefix(ts, label, paint, path, style) + visible(text);

/**
 * The start of a message line: a message line is exactly this prefix followed by `visible(text)`,
 * so `gator replay` caches the prefix per (second, severity, path) and appends the text.
 */
export const formatMessagePrefix = (ts: number, severity: SeverityName, path: string, style: LineStyle): string =>
  prefix(ts, severity, SEVERITY_PAINT[severity], path, style);

/** A job's message; its text is made visible (control characters shown, never sent raw). */
export const formatMessageLine = (
  message: { readonly ts: number; readonly severity: SeverityName; readonly path: string; readonly text: string },
  style: LineStyle,
): string => formatMessagePrefix(message.ts, message.severity, message.path, style) + visible(message.text);

/** A runner event (start, end, status) in the message-line columns. */
export const formatEventLine = (
  event: { readonly ts: number; readonly tag: EventTag; readonly path: string; readonly text: string },
  style: LineStyle,
): string => compose(event.ts, event.tag, TAG_PAINT[event.tag], event.path, event.text, style);
