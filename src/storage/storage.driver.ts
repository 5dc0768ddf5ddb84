import type { Readable } from 'node:stream';

/** A short-lived URL that downloads one stored object. */
export interface SignedUrl {
  url: string;
  expiresAt: Date;
}

export interface SignedUrlOptions {
  /** Content-Type the download is served with (local driver; Supabase keeps the upload's). */
  contentType?: string;
  /** File name offered to the browser (Content-Disposition: attachment). */
  downloadName?: string;
}

/**
 * Where attachment bytes live. Paths are keys such as `{orgId}/{ticketId}/{uuid}-{name}`,
 * built by the caller from sanitised parts; drivers still refuse anything that could
 * leave their root.
 */
export interface StorageDriver {
  readonly kind: 'local' | 'supabase';
  /** Streams `body` to a new object at `path` (never overwriting one) and resolves with the bytes stored. */
  put(path: string, body: Readable, contentType: string): Promise<number>;
  /** Streams a stored object back (an import's uploaded file, read by its job). */
  get(path: string): Promise<Readable>;
  /** Removes the object; a missing object is not an error. */
  delete(path: string): Promise<void>;
  signedUrl(path: string, ttlSeconds: number, options?: SignedUrlOptions): Promise<SignedUrl>;
}

/** Injection token of the configured StorageDriver. */
export const STORAGE_DRIVER = Symbol('STORAGE_DRIVER');
/**
 * Where the API's own files go (import uploads, organization archives): on Supabase Storage a
 * bucket of their own (STORAGE_FILES_BUCKET), since the attachments bucket refuses their types and
 * sizes; locally the same driver as attachments.
 */
export const FILES_STORAGE = Symbol('FILES_STORAGE');

/** The largest attachment accepted: 50 MiB (seed 001's bucket limit). */
export const MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024;
