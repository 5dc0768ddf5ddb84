import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { ByteCounter, peekStream } from './streams.js';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A byte stream of `total` bytes in `chunk`-sized pieces, produced lazily. */
function source(total: number, chunk = 1000): Readable & { truncated?: boolean } {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return this.push(null);
      const n = Math.min(chunk, total - sent);
      this.push(Buffer.alloc(n, sent % 251));
      sent += n;
    },
  });
}

describe('peekStream', () => {
  it('returns the head and gives back the whole stream, head included', async () => {
    const original = source(10_000);
    const expected = await collect(source(10_000));
    const { head, complete, body } = await peekStream(original, 2500);
    expect(head.length).toBeGreaterThanOrEqual(2500 - 1000);
    expect(head.length).toBeLessThanOrEqual(2500);
    expect(expected.subarray(0, head.length).equals(head)).toBe(true);
    expect(complete).toBe(false);
    expect(body).toBe(original);
    expect((await collect(body)).equals(expected)).toBe(true);
  });

  it('reports a stream shorter than the head as complete', async () => {
    const { head, complete, body } = await peekStream(source(300, 100), 4096);
    expect(head).toHaveLength(300);
    expect(complete).toBe(true);
    expect(await collect(body)).toHaveLength(300);
  });

  it('handles an empty stream', async () => {
    const { head, complete, body } = await peekStream(Readable.from([]), 10);
    expect(head).toHaveLength(0);
    expect(complete).toBe(true);
    expect(await collect(body)).toHaveLength(0);
  });

  it('keeps properties of the original stream (busboy sets truncated on it)', async () => {
    const original = source(50_000);
    original.truncated = false;
    const { body } = await peekStream(original, 1000);
    original.truncated = true;
    expect((body as typeof original).truncated).toBe(true);
  });

  it('can be piped after peeking', async () => {
    const { body } = await peekStream(source(100_000, 4096), 64 * 1024);
    const counter = new ByteCounter();
    await pipeline(body, counter, new Writable({ write: (_c, _e, cb) => cb() }));
    expect(counter.bytes).toBe(100_000);
  });

  it('propagates an error of the source', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('boom'));
      },
    });
    await expect(peekStream(failing, 10)).rejects.toThrow('boom');
  });
});

describe('ByteCounter', () => {
  it('fails past its limit with the error it was given', async () => {
    const counter = new ByteCounter(1500, () => new Error('too big'));
    await expect(pipeline(source(2000, 500), counter, new Writable({ write: (_c, _e, cb) => cb() }))).rejects.toThrow(
      'too big',
    );
    expect(counter.bytes).toBe(2000);
  });
});
