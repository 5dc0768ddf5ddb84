import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Logger } from '@nestjs/common';
import { DomainError, NotFound } from '../common/errors.js';
import type { StorageConfig } from '../config/config.js';
import { InvalidSignedUrl, StorageUnavailable } from './storage.errors.js';
import type { SignedUrl, SignedUrlOptions, StorageDriver } from './storage.driver.js';
import { ByteCounter } from './streams.js';

/** What a local file URL's token carries (signed, not secret). */
interface FileGrant {
  /** storage path */
  p: string;
  /** content type */
  t?: string;
  /** download name */
  n?: string;
}

export interface OpenedFile {
  stream: Readable;
  size: number;
  contentType: string;
  downloadName?: string;
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The key signing file URLs, kept beside the storage directory (created 0600 on first use). */
function signingKey(storageDir: string): Buffer {
  const file = join(dirname(storageDir), 'storage-signing-key');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process sharing DATA_DIR wrote it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
}

/**
 * The embedded default: objects are files under DATA_DIR/storage, and their signed URLs
 * are routes of this API (GET /v1/files?token=&expires=&signature=, HMAC-SHA256 over
 * token and expiry) that stream the file.
 */
export class LocalStorageDriver implements StorageDriver {
  readonly kind = 'local';
  private readonly logger = new Logger(LocalStorageDriver.name);
  private readonly root: string;
  private readonly key: Buffer;

  constructor(private readonly config: StorageConfig) {
    this.root = resolve(config.localDir);
    mkdirSync(this.root, { recursive: true });
    this.key = signingKey(this.root);
  }

  /** The file of a storage path; refuses anything that is not plain segments under the root. */
  private fileOf(path: string): string {
    const segments = path.split('/');
    if (segments.length < 1 || segments.some((s) => !SEGMENT.test(s) || s.includes('..'))) {
      throw new NotFound('File');
    }
    const file = join(this.root, ...segments);
    const rel = relative(this.root, file);
    if (!rel || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) throw new NotFound('File');
    return file;
  }

  async put(path: string, body: Readable, _contentType: string): Promise<number> {
    const file = this.fileOf(path);
    const counter = new ByteCounter();
    try {
      await mkdir(dirname(file), { recursive: true });
      // 'wx': a key is never reused, so an existing file means a bug, not an overwrite.
      await pipeline(body, counter, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
    } catch (error) {
      await rm(file, { force: true }).catch(() => undefined);
      if (error instanceof DomainError) throw error;
      this.logger.error({ err: error, path }, 'Local storage write failed');
      throw new StorageUnavailable(error);
    }
    return counter.bytes;
  }

  async get(path: string): Promise<Readable> {
    const file = this.fileOf(path);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) throw new NotFound('File');
    return createReadStream(file);
  }

  async delete(path: string): Promise<void> {
    await rm(this.fileOf(path), { force: true });
  }

  private sign(token: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${token}.${expires}`).digest('base64url');
  }

  signedUrl(path: string, ttlSeconds: number, options: SignedUrlOptions = {}): Promise<SignedUrl> {
    this.fileOf(path);
    const expires = Math.floor(Date.now() / 1000) + ttlSeconds;
    const grant: FileGrant = { p: path, t: options.contentType, n: options.downloadName };
    const token = Buffer.from(JSON.stringify(grant)).toString('base64url');
    const query = new URLSearchParams({ token, expires: String(expires), signature: this.sign(token, expires) });
    const base = this.config.publicApiUrl ?? '';
    return Promise.resolve({ url: `${base}/v1/files?${query}`, expiresAt: new Date(expires * 1000) });
  }

  /** Checks a file URL's signature and expiry and opens the file (403 for a bad or old link, 404 when gone). */
  async open(token: string, expires: number, signature: string): Promise<OpenedFile> {
    const expected = Buffer.from(this.sign(token, expires));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidSignedUrl();
    if (expires * 1000 <= Date.now()) throw new InvalidSignedUrl();
    let grant: FileGrant;
    try {
      grant = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as FileGrant;
    } catch {
      throw new InvalidSignedUrl();
    }
    const file = this.fileOf(grant.p);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) throw new NotFound('File');
    return {
      stream: createReadStream(file),
      size: info.size,
      contentType: grant.t ?? 'application/octet-stream',
      downloadName: grant.n,
    };
  }
}
