// The console layer's public face: the run's console, the end-of-run report, the colour rule.
export { createRunConsole, type ConsoleOptions, type RunConsole } from './run-console.js';
export { renderReport, type ReportStyle } from './report.js';
export { canDrawLive, decideColor, type ColorInputs } from './color.js';
export { clock, formatEventLine, formatMessageLine, type LineStyle } from './line-format.js';
export { visible } from './visible.js';
