import { Readable, Transform, type TransformCallback } from 'node:stream';

export interface Peeked {
  /** The first bytes (at most `size`). */
  head: Buffer;
  /** true when `head` is the whole stream. */
  complete: boolean;
  /** The whole content again, head included: the original stream when it has more to give. */
  body: Readable;
}

/** Resolves when the stream has data to read, has ended, or has failed. */
function readableOrEnd(stream: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onReadable = () => done();
    const onEnd = () => done();
    const onError = (error: Error) => done(error);
    stream.on('readable', onReadable);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

/**
 * Reads up to `size` bytes from the front of a byte stream without losing them: they are
 * unshifted back, so the original stream (with any properties its producer set, such as
 * busboy's `truncated`) is what the caller goes on streaming. Only those bytes are held.
 * Rejects with the stream's error if it fails first.
 */
export async function peekStream(stream: Readable, size: number): Promise<Peeked> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    while (length < size && !stream.readableEnded) {
      if (stream.errored) throw stream.errored;
      const chunk = stream.read() as Buffer | null;
      if (chunk !== null) {
        chunks.push(chunk);
        length += chunk.length;
        continue;
      }
      if (stream.errored) throw stream.errored;
      if (stream.destroyed) break;
      await readableOrEnd(stream);
    }
  } catch (error) {
    // The stream may still emit its 'error': it has been reported through this rejection.
    stream.once('error', () => undefined);
    throw error;
  }
  const all = Buffer.concat(chunks);
  if (stream.readableEnded || stream.destroyed) {
    // Too late to unshift after 'end': the head is all there was.
    return { head: all.subarray(0, size), complete: true, body: Readable.from([all]) };
  }
  if (all.length) stream.unshift(all);
  return { head: all.subarray(0, size), complete: false, body: stream };
}

/** A pass-through that counts bytes and fails with `onLimit()` past `limit`. */
export class ByteCounter extends Transform {
  bytes = 0;

  constructor(
    private readonly limit = Number.POSITIVE_INFINITY,
    private readonly onLimit: () => Error = () => new Error('byte limit exceeded'),
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      callback(this.onLimit());
      return;
    }
    callback(null, chunk);
  }
}
