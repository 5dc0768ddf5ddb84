import { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { imageTypeOfKey, type UploadedImage } from './image-upload.js';
import { STORAGE_DRIVER, type StorageDriver } from './storage.driver.js';

/**
 * Avatars and logos in the configured storage driver (local disk or Supabase Storage). Rows
 * keep storage keys; every read signs a short-lived URL (SIGNED_URL_TTL_SECONDS). Callers
 * store before their unit of work and sign and delete after it: these may be network calls.
 */
@Injectable()
export class ImageStore {
  private readonly logger = new Logger(ImageStore.name);

  constructor(
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async put(key: string, image: UploadedImage): Promise<void> {
    await this.storage.put(key, Readable.from([image.bytes]), image.mimeType);
  }

  /** A signed URL for the image at `key`, or null when there is none. */
  async url(key: string | null): Promise<string | null> {
    if (!key) return null;
    const signed = await this.storage.signedUrl(key, this.config.storage.signedUrlTtlSeconds, {
      contentType: imageTypeOfKey(key),
      downloadName: key.slice(key.lastIndexOf('/') + 1),
    });
    return signed.url;
  }

  /** Removes a replaced or cleared image; a failure leaves an orphan, logged, never an error. */
  async remove(key: string | null | undefined): Promise<void> {
    if (!key) return;
    await this.storage.delete(key).catch((error: unknown) => {
      this.logger.warn({ err: error, path: key }, 'Could not delete a stored image; it is orphaned');
    });
  }
}
