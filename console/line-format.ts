// One line per message, the same live and in `gator replay`: time, severity, job path, text.
// Runner events (a job's start and end, status lines) use the same columns with a tag in place
// of the severity, so a person scanning the log reads one format.
import type { SeverityName } from '../storage/schema.js';
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

// Keep the text last and uncoloured: `gator replay` caches the prefix per (second, severity,
// path) and appends `visible(text)` when a probe shows the line is exactly that.
const compose = (ts: number, label: string, paint: Paint, path: string, text: string, style: LineStyle): string => {
  const colors = style.color ? COLORS_ON : COLORS_OFF;
  return `${colors.dim(clock(ts))} ${paint(colors, label.padEnd(COLUMN))} ${colors.dim(`${visible(path)}:`)} ${visible(text)}`;
};

/** A job's message; its text is made visible (control characters shown, never sent raw). */
export const formatMessageLine = (
  message: { readonly ts: number; readonly severity: SeverityName; readonly path: string; readonly text: string },
  style: LineStyle,
): string => compose(message.ts, message.severity, SEVERITY_PAINT[message.severity], message.path, message.text, style);

/** A runner event (start, end, status) in the message-line columns. */
export const formatEventLine = (
  event: { readonly ts: number; readonly tag: EventTag; readonly path: string; readonly text: string },
  style: LineStyle,
): string => compose(event.ts, event.tag, TAG_PAINT[event.tag], event.path, event.text, style);
