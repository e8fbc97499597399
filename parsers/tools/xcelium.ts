// Cadence Xcelium (xrun, xmvlog, xmelab, xmsim, …): `tool: *E,CODE (file,line|col): msg` with
// E error, F fatal, W warning, N note; `Simulation complete ... at time 1 US` and xrun's
// `(total: 00:00:05)` become the metrics sim_time_ns and wall_time_s.
import { Severity, UNRECOGNISED, stateless, type LineVerdict, type MetricSink, type ParserInfo } from '../types.js';
import { toNanoseconds } from './units.js';

const MESSAGE = /^[a-z]+: \*([EFWN]),[0-9A-Z_]+/;
const SIM_DONE = /^Simulation complete .* at time (\d+(?:\.\d*)?)\s*([fpnum]?s)\b/i;
const XRUN_TOTAL = /^TOOL:\s*xrun.*: Exiting on .*\(total:\s*(\d+):(\d+):(\d+)\)\s*$/;

const BY_LETTER: Readonly<Record<string, LineVerdict>> = { E: Severity.ERROR, F: Severity.CRITICAL, W: Severity.WARNING, N: Severity.INFO };

const line = (text: string, metric: MetricSink): LineVerdict => {
  const m = MESSAGE.exec(text);
  if (m !== null) return BY_LETTER[m[1] ?? ''] ?? UNRECOGNISED;
  const c = text.charCodeAt(0);
  if (c === 0x53 /* S */) {
    const t = SIM_DONE.exec(text);
    const ns = t === null ? undefined : toNanoseconds(Number(t[1]), t[2] ?? '');
    if (ns !== undefined) metric('sim_time_ns', ns);
  } else if (c === 0x54 /* T */) {
    const t = XRUN_TOTAL.exec(text);
    if (t !== null) metric('wall_time_s', Number(t[1]) * 3600 + Number(t[2]) * 60 + Number(t[3]));
  }
  return UNRECOGNISED;
};

export const xcelium: ParserInfo = {
  name: 'xcelium',
  summary: 'tool: *E/*F/*W/*N,CODE → ERROR/CRITICAL/WARNING/INFO; metrics sim_time_ns, wall_time_s',
  create: stateless(line),
};
