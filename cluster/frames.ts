// The leaf wrapper's frames: what a job running on a cluster node reports to the head. The
// layout is the spawn server's (u8 type, u32 node id, u32 payload length, little-endian, then
// the payload) so one reading loop serves both; the leaf adds hello, samples, warnings and the
// scheduler's time limit.
export const FRAME_HEADER = 9;

export type LeafFrame =
  /** The leaf runs: where, and as which cluster job. */
  | { readonly type: 'hello'; readonly id: number; readonly host: string; readonly clusterId: string; readonly pid: number }
  | { readonly type: 'started'; readonly id: number; readonly pid: number }
  | { readonly type: 'failed'; readonly id: number; readonly code: string; readonly message: string }
  | { readonly type: 'output'; readonly id: number; readonly stream: 0 | 1; readonly chunk: Buffer }
  | { readonly type: 'sample'; readonly id: number; readonly ts: number; readonly nproc: number; readonly cpu: number; readonly rss: number }
  /** Something the leaf itself has to say (a cancel, a time limit): a runtime WARNING line. */
  | { readonly type: 'warning'; readonly id: number; readonly text: string }
  /** The scheduler is ending the job for its time limit, of this many seconds (null: not known): a `timeout`. */
  | { readonly type: 'time-limit'; readonly id: number; readonly seconds: number | null }
  | { readonly type: 'ended'; readonly id: number; readonly exitCode: number | null; readonly signal: string | null };

const header = (type: string, id: number, length: number): Buffer => {
  const buffer = Buffer.allocUnsafe(FRAME_HEADER + length);
  buffer.write(type, 0, 'latin1');
  buffer.writeUInt32LE(id, 1);
  buffer.writeUInt32LE(length, 5);
  return buffer;
};

const textFrame = (type: string, id: number, text: string): Buffer => {
  const payload = Buffer.from(text, 'utf8');
  const frame = header(type, id, payload.length);
  payload.copy(frame, FRAME_HEADER);
  return frame;
};

export const encodeFrame = (frame: LeafFrame): Buffer => {
  switch (frame.type) {
    case 'hello':
      return textFrame('h', frame.id, JSON.stringify({ host: frame.host, clusterId: frame.clusterId, pid: frame.pid }));
    case 'started': {
      const buffer = header('p', frame.id, 4);
      buffer.writeUInt32LE(frame.pid, FRAME_HEADER);
      return buffer;
    }
    case 'failed':
      return textFrame('f', frame.id, JSON.stringify({ code: frame.code, message: frame.message }));
    case 'output': {
      const buffer = header(frame.stream === 0 ? 'o' : 'e', frame.id, frame.chunk.length);
      frame.chunk.copy(buffer, FRAME_HEADER);
      return buffer;
    }
    case 'sample': {
      const buffer = header('s', frame.id, 28);
      buffer.writeDoubleLE(frame.ts, FRAME_HEADER);
      buffer.writeUInt32LE(frame.nproc, FRAME_HEADER + 8);
      buffer.writeDoubleLE(frame.cpu, FRAME_HEADER + 12);
      buffer.writeDoubleLE(frame.rss, FRAME_HEADER + 20);
      return buffer;
    }
    case 'warning':
      return textFrame('w', frame.id, frame.text);
    case 'time-limit': {
      const buffer = header('t', frame.id, 8);
      buffer.writeDoubleLE(frame.seconds ?? -1, FRAME_HEADER);
      return buffer;
    }
    case 'ended':
      return textFrame('x', frame.id, JSON.stringify({ exitCode: frame.exitCode, signal: frame.signal }));
  }
};

/** A frame the head could not make sense of: a torn or foreign file, never a job's doing. */
export class FrameFormatError extends Error {
  override name = 'FrameFormatError';
}

const decode = (type: number, id: number, payload: Buffer): LeafFrame => {
  const json = (): Record<string, unknown> => JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
  switch (type) {
    case 0x68: {
      const hello = json();
      return { type: 'hello', id, host: String(hello.host), clusterId: String(hello.clusterId), pid: Number(hello.pid) };
    }
    case 0x70:
      return { type: 'started', id, pid: payload.readUInt32LE(0) };
    case 0x66: {
      const failed = json();
      return { type: 'failed', id, code: String(failed.code), message: String(failed.message) };
    }
    case 0x6f:
    case 0x65:
      return { type: 'output', id, stream: type === 0x6f ? 0 : 1, chunk: payload };
    case 0x73:
      return { type: 'sample', id, ts: payload.readDoubleLE(0), nproc: payload.readUInt32LE(8), cpu: payload.readDoubleLE(12), rss: payload.readDoubleLE(20) };
    case 0x77:
      return { type: 'warning', id, text: payload.toString('utf8') };
    case 0x74: {
      const seconds = payload.readDoubleLE(0);
      return { type: 'time-limit', id, seconds: seconds < 0 ? null : seconds };
    }
    case 0x78: {
      const ended = json();
      return {
        type: 'ended',
        id,
        exitCode: typeof ended.exitCode === 'number' ? ended.exitCode : null,
        signal: typeof ended.signal === 'string' ? ended.signal : null,
      };
    }
    default:
      throw new FrameFormatError(`unknown frame type ${type}`);
  }
};

/**
 * Whole frames in `buffer` from `start`: each with the offset just past it. `rest` is where the
 * first incomplete frame begins (a writer may be half way through it).
 */
export const readFrames = (buffer: Buffer, start = 0): { frames: { frame: LeafFrame; end: number }[]; rest: number } => {
  const frames: { frame: LeafFrame; end: number }[] = [];
  let at = start;
  while (buffer.length - at >= FRAME_HEADER) {
    const length = buffer.readUInt32LE(at + 5);
    if (buffer.length - at - FRAME_HEADER < length) break;
    const payload = buffer.subarray(at + FRAME_HEADER, at + FRAME_HEADER + length);
    const end = at + FRAME_HEADER + length;
    frames.push({ frame: decode(buffer[at]!, buffer.readUInt32LE(at + 1), payload), end });
    at = end;
  }
  return { frames, rest: at };
};
