// The TCP channel from leaves to the head: only a leaf that knows the run's secret is heard,
// the secret's file is readable by its owner alone, and each frame arrives with its offset.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HeadChannel, LeafChannel, readHeadFile, writeHeadFile } from '../../cluster/channel.js';
import { encodeFrame, type LeafFrame } from '../../cluster/frames.js';
import { tempDir, waitFor } from '../helpers/cli.js';

describe('the leaf-to-head channel', () => {
  it('hears a leaf with the secret, with offsets, and writes head.json with mode 0600', async () => {
    const heard: { frame: LeafFrame; start: number; end: number }[] = [];
    const closed: number[][] = [];
    const { channel, address } = await HeadChannel.listen('127.0.0.1', 10, {
      frame: (frame, start, end) => heard.push({ frame, start, end }),
      closed: (nodes) => closed.push([...nodes]),
    });
    const dir = tempDir('gator-channel-');
    const headFile = join(dir, 'head.json');
    writeHeadFile(headFile, address);
    assert.equal(statSync(headFile).mode & 0o777, 0o600);
    assert.deepEqual(readHeadFile(headFile), address);
    const leaf = new LeafChannel(headFile);
    await waitFor(() => (leaf.connected ? true : undefined), 10_000, 'the leaf to connect');
    const frames: LeafFrame[] = [
      { type: 'started', id: 4, pid: 123 },
      { type: 'output', id: 4, stream: 0, chunk: Buffer.from('hello\n') },
      { type: 'ended', id: 4, exitCode: 0, signal: null },
    ];
    let offset = 1000;
    for (const frame of frames) {
      const bytes = encodeFrame(frame);
      leaf.send(bytes, offset);
      offset += bytes.length;
    }
    await waitFor(() => (heard.length === 3 ? true : undefined), 10_000, 'three frames');
    await leaf.close();
    assert.deepEqual(
      heard.map((h) => h.frame),
      frames,
    );
    assert.equal(heard[0]!.start, 1000);
    assert.equal(heard[2]!.end, offset);
    await waitFor(() => (closed.length === 1 ? true : undefined), 10_000, 'the close');
    assert.deepEqual(closed[0], [4]);
    channel.close();
  });

  it('drops a connection with the wrong secret before reading a frame', async () => {
    const heard: LeafFrame[] = [];
    const { channel, address } = await HeadChannel.listen('127.0.0.1', 10, { frame: (frame) => heard.push(frame), closed: () => undefined });
    const socket = createConnection({ host: address.host, port: address.port });
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.write(`GATOR1 ${'0'.repeat(address.secret.length)}\n`);
    socket.write(Buffer.concat([Buffer.alloc(8), encodeFrame({ type: 'started', id: 1, pid: 1 })]));
    await ended;
    assert.deepEqual(heard, []);
    channel.close();
  });
});
