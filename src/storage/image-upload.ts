import { HttpStatus } from '@nestjs/common';
import { DetailCode, DomainError, ErrorCode, ValidationFailed } from '../common/errors.js';
import { resolveAttachmentType, SNIFF_BYTES } from './content-type.js';
import { sanitizeFileName } from './file-name.js';
import type { IncomingFile, NextFile } from './multipart.js';
import { UnsupportedAttachmentType } from './storage.errors.js';

/** Pictures people and organizations show (avatars, logos): these types only, by their bytes. */
export const IMAGE_TYPES = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' } as const;
export type ImageType = keyof typeof IMAGE_TYPES;

/** The largest avatar or logo: 5 MiB. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export interface UploadedImage {
  bytes: Buffer;
  mimeType: ImageType;
  /** The file extension its storage key ends with (png, jpg, webp). */
  extension: string;
}

/** 413 past MAX_IMAGE_BYTES, with the limit in the message. */
export class ImageTooLarge extends DomainError {
  constructor() {
    super(
      HttpStatus.PAYLOAD_TOO_LARGE,
      ErrorCode.PayloadTooLarge,
      `Images are limited to ${MAX_IMAGE_BYTES} bytes (5 MiB)`,
    );
  }
}

function notAnImage(reason: string): UnsupportedAttachmentType {
  const message = `${reason}: send a PNG, JPEG or WebP image`;
  return new UnsupportedAttachmentType(message, [{ field: 'file', message, code: DetailCode.InvalidValue }]);
}

const isImageType = (type: string): type is ImageType => type in IMAGE_TYPES;

/** The Content-Type an image's storage key stands for (its extension), for signing its URL. */
export function imageTypeOfKey(key: string): ImageType {
  const ext = key.slice(key.lastIndexOf('.') + 1);
  const found = (Object.keys(IMAGE_TYPES) as ImageType[]).find((t) => IMAGE_TYPES[t] === ext);
  return found ?? 'image/png';
}

/**
 * Reads the whole file; past the limit it stops keeping bytes and drains the rest (destroying a
 * multipart part would stall the request), then refuses it with 413.
 */
function readBounded(file: IncomingFile): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    file.stream.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length <= MAX_IMAGE_BYTES) chunks.push(chunk);
    });
    file.stream.once('error', reject);
    file.stream.once('end', () => {
      // busboy stops a file at the multipart fileSize limit and marks it truncated.
      if (length > MAX_IMAGE_BYTES || file.stream.truncated) reject(new ImageTooLarge());
      else resolve(Buffer.concat(chunks));
    });
  });
}

/**
 * Takes the request's image part: PNG, JPEG or WebP by its bytes (a declared type or extension
 * that contradicts them is refused too, as for attachments), at most 5 MiB. Held in memory: an
 * image this small is cheaper to check whole than to stream twice, and either storage driver
 * then gets a body whose size is known. Whatever is not read (a refused file) is discarded.
 */
export async function takeImage(nextFile: NextFile): Promise<UploadedImage> {
  const file = await nextFile();
  if (!file)
    throw new ValidationFailed([{ field: 'file', message: 'a file part is required', code: DetailCode.Required }]);
  try {
    const bytes = await readBounded(file);
    const verdict = resolveAttachmentType({
      head: bytes.subarray(0, SNIFF_BYTES),
      complete: bytes.length <= SNIFF_BYTES,
      declared: file.declaredType,
      fileName: sanitizeFileName(file.fileName),
    });
    if (!verdict.ok) throw notAnImage(verdict.reason);
    if (!isImageType(verdict.mimeType)) throw notAnImage(`A ${verdict.mimeType} file is not an image`);
    return { bytes, mimeType: verdict.mimeType, extension: IMAGE_TYPES[verdict.mimeType] };
  } finally {
    file.stream.resume();
  }
}
