import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

/** One file of an archive: its name in the archive, its size, and where its bytes are. */
export interface TarEntry {
  name: string;
  size: number;
  /** A file on disk, or the bytes themselves (a small manifest). */
  source: string | Buffer;
}

const BLOCK = 512;

/** `value` as a NUL-terminated octal field of `length` bytes (ustar's numbers). */
function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

/**
 * A POSIX ustar header (enough for regular files named in ASCII under 100 bytes, under 8 GiB):
 * node_modules has no tar or zip writer, and this is the whole of what an archive of a few
 * NDJSON files needs. Checked by `tar -tzf` in test/exports-organization.e2e.spec.ts.
 */
export function ustarHeader(name: string, size: number, mtime: Date): Buffer {
  if (!/^[\x20-\x7e]{1,99}$/.test(name)) throw new Error(`Not a ustar file name: ${name}`);
  if (size >= 8 ** 11) throw new Error('A ustar entry holds less than 8 GiB');
  const header = Buffer.alloc(BLOCK, 0);
  header.write(name, 0, 'ascii');
  header.write(octal(0o644, 8), 100, 'ascii');
  header.write(octal(0, 8), 108, 'ascii');
  header.write(octal(0, 8), 116, 'ascii');
  header.write(octal(size, 12), 124, 'ascii');
  header.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136, 'ascii');
  header.write('        ', 148, 'ascii'); // the checksum counts its own field as spaces
  header.write('0', 156, 'ascii'); // a regular file
  header.write('ustar\x0000', 257, 'ascii');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return header;
}

async function* tarChunks(entries: readonly TarEntry[], mtime: Date): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    yield ustarHeader(entry.name, entry.size, mtime);
    if (typeof entry.source === 'string') {
      let read = 0;
      for await (const chunk of createReadStream(entry.source)) {
        read += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
      // The header promised `size` bytes: a file that changed since would corrupt the archive.
      if (read !== entry.size) throw new Error(`${entry.name} changed while it was archived`);
    } else yield entry.source;
    const pad = (BLOCK - (entry.size % BLOCK)) % BLOCK;
    if (pad) yield Buffer.alloc(pad, 0);
  }
  yield Buffer.alloc(BLOCK * 2, 0); // the end of the archive
}

/** The entries as a tar stream, read from disk as it is consumed. */
export const tarStream = (entries: readonly TarEntry[], mtime = new Date()): Readable =>
  Readable.from(tarChunks(entries, mtime), { objectMode: false });
