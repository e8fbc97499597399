// The spawn server's wire format (see native/spawn-server.c): u8 type, u32 job id, u32 payload
// length, little-endian, then the payload.
import { SpawnServerProtocolError } from './errors.js';

const HEADER = 9;

export type ServerFrame =
  | { readonly type: 'started'; readonly id: number; readonly pid: number }
  | { readonly type: 'failed'; readonly id: number; readonly errno: number; readonly stage: (typeof STAGES)[number] }
  | { readonly type: 'output'; readonly id: number; readonly stream: 0 | 1; readonly chunk: Buffer }
  | { readonly type: 'ended'; readonly id: number; readonly exitCode: number | null; readonly signal: number; readonly cut: boolean };

/** `resource`: the server ran short of open files, processes or memory. */
const STAGES = ['chdir', 'exec', 'setup', 'resource'] as const;
/** Bit 0 of an `x` frame's flags: processes the job left behind held its pipes past the drain. */
const ENDED_CUT = 1;

const frame = (type: string, id: number, payload: Buffer): Buffer => {
  const header = Buffer.allocUnsafe(HEADER);
  header.write(type, 0, 'latin1');
  header.writeUInt32LE(id, 1);
  header.writeUInt32LE(payload.length, 5);
  return Buffer.concat([header, payload]);
};

/** A spawn request: counts, then NUL-terminated cwd, argv and `KEY=value` entries. */
export const encodeSpawn = (id: number, cwd: string, argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Buffer => {
  const entries: string[] = [];
  for (const key in env) {
    const value = env[key];
    if (value !== undefined) entries.push(`${key}=${value}`);
  }
  const counts = Buffer.allocUnsafe(8);
  counts.writeUInt32LE(argv.length, 0);
  counts.writeUInt32LE(entries.length, 4);
  const strings = Buffer.from(`${[cwd, ...argv, ...entries].join('\0')}\0`, 'utf8');
  return frame('S', id, Buffer.concat([counts, strings]));
};

export const encodeFlow = (id: number, paused: boolean): Buffer => frame(paused ? 'P' : 'R', id, Buffer.alloc(0));

/** End the job at its reap without a drain (the runner has SIGKILLed it). */
export const encodeCut = (id: number): Buffer => frame('C', id, Buffer.alloc(0));

/** Cuts the server's byte stream into frames; a frame may span reads. */
export class FrameReader {
  #rest: Buffer | null = null;

  /** Calls `onFrame` for every whole frame; output chunks are views into `data`. */
  push(data: Buffer, onFrame: (frame: ServerFrame) => void): void {
    const buffer = this.#rest === null ? data : Buffer.concat([this.#rest, data]);
    this.#rest = null;
    let at = 0;
    while (buffer.length - at >= HEADER) {
      const length = buffer.readUInt32LE(at + 5);
      if (buffer.length - at - HEADER < length) break;
      const type = buffer[at]!;
      const id = buffer.readUInt32LE(at + 1);
      const payload = at + HEADER;
      switch (type) {
        case 0x6f: // o
        case 0x65: // e
          onFrame({ type: 'output', id, stream: type === 0x6f ? 0 : 1, chunk: buffer.subarray(payload, payload + length) });
          break;
        case 0x70: // p
          onFrame({ type: 'started', id, pid: buffer.readUInt32LE(payload) });
          break;
        case 0x66: // f
          onFrame({ type: 'failed', id, errno: buffer.readUInt32LE(payload), stage: STAGES[buffer[payload + 4]!] ?? 'setup' });
          break;
        case 0x78: {
          // x
          const code = buffer.readInt32LE(payload);
          onFrame({
            type: 'ended',
            id,
            exitCode: code < 0 ? null : code,
            signal: buffer.readInt32LE(payload + 4),
            cut: length >= 12 && (buffer.readUInt32LE(payload + 8) & ENDED_CUT) !== 0,
          });
          break;
        }
        default:
          throw new SpawnServerProtocolError(`the spawn server sent an unknown frame type ${type}`);
      }
      at = payload + length;
    }
    if (at < buffer.length) this.#rest = Buffer.from(buffer.subarray(at));
  }
}
