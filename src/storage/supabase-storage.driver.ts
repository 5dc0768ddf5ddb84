import { Logger } from '@nestjs/common';
import { Readable } from 'node:stream';
import type { SupabaseClient } from '@supabase/supabase-js';
import { createServiceClient } from '../common/supabase-client.js';
import type { StorageConfig } from '../config/config.js';
import { ATTACHMENT_TYPES } from './content-type.js';
import { MAX_ATTACHMENT_BYTES, type SignedUrl, type SignedUrlOptions, type StorageDriver } from './storage.driver.js';
import { StorageUnavailable } from './storage.errors.js';
import { ByteCounter } from './streams.js';

interface StorageFailure {
  message: string;
  status?: number;
  statusCode?: string;
}

const notFound = (e: StorageFailure): boolean => e.status === 404 || e.statusCode === '404';

/** Which bucket a driver writes to, and the limits it is created with. */
export interface BucketSpec {
  name: string;
  /** Attachments: the 50 MB limit and the MIME allow-list, set on the bucket too. */
  attachments: boolean;
}

/**
 * Supabase Storage through supabase-js with the service-role key (server-side only).
 * The bucket is private and created on first use when missing (an attachments bucket with the
 * 50 MB limit and the MIME allow-list set on it too); downloads go through signed URLs.
 */
export class SupabaseStorageDriver implements StorageDriver {
  readonly kind = 'supabase';
  private readonly logger = new Logger(SupabaseStorageDriver.name);
  private bucketReady?: Promise<void>;

  private constructor(
    private readonly client: SupabaseClient,
    private readonly spec: BucketSpec,
  ) {}

  static async create(
    config: StorageConfig,
    spec: BucketSpec = { name: config.bucket, attachments: true },
  ): Promise<SupabaseStorageDriver> {
    if (!config.supabaseUrl || !config.serviceRoleKey) {
      throw new Error('SupabaseStorageDriver needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY');
    }
    return new SupabaseStorageDriver(await createServiceClient(config.supabaseUrl, config.serviceRoleKey), spec);
  }

  private get bucket() {
    return this.client.storage.from(this.spec.name);
  }

  private fail(operation: string, error: unknown): never {
    this.logger.error({ err: error, bucket: this.spec.name }, `Supabase Storage ${operation} failed`);
    throw new StorageUnavailable(error);
  }

  /** Creates the private bucket once if it does not exist; retried on the next call after a failure. */
  private ensureBucket(): Promise<void> {
    this.bucketReady ??= (async () => {
      const { error } = await this.client.storage.getBucket(this.spec.name);
      if (!error) return;
      if (!notFound(error as StorageFailure)) this.fail('getBucket', error);
      const created = await this.client.storage.createBucket(
        this.spec.name,
        this.spec.attachments
          ? { public: false, fileSizeLimit: MAX_ATTACHMENT_BYTES, allowedMimeTypes: [...ATTACHMENT_TYPES] }
          : { public: false },
      );
      // Another replica may have created it in between.
      if (created.error && (created.error as StorageFailure).status !== 409) this.fail('createBucket', created.error);
      this.logger.log(`Created private storage bucket ${this.spec.name}`);
    })().catch((error: unknown) => {
      this.bucketReady = undefined;
      throw error;
    });
    return this.bucketReady;
  }

  async put(path: string, body: Readable, contentType: string): Promise<number> {
    await this.ensureBucket();
    const counter = new ByteCounter();
    body.on('error', (error) => counter.destroy(error));
    const { error } = await this.bucket.upload(path, body.pipe(counter), {
      contentType,
      upsert: false,
      duplex: 'half',
    });
    if (error) this.fail('upload', error);
    return counter.bytes;
  }

  /** Through a short-lived signed URL, so the object streams instead of arriving as one Blob. */
  async get(path: string): Promise<Readable> {
    const { url } = await this.signedUrl(path, 60);
    const response = await fetch(url).catch((error: unknown) => this.fail('download', error));
    if (!response.ok || !response.body) this.fail('download', new Error(`HTTP ${response.status}`));
    return Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
  }

  async delete(path: string): Promise<void> {
    const { error } = await this.bucket.remove([path]);
    if (error && !notFound(error as StorageFailure)) this.fail('remove', error);
  }

  async signedUrl(path: string, ttlSeconds: number, options: SignedUrlOptions = {}): Promise<SignedUrl> {
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    const { data, error } = await this.bucket.createSignedUrl(path, ttlSeconds, {
      download: options.downloadName ?? true,
    });
    if (error || !data) this.fail('createSignedUrl', error);
    return { url: data.signedUrl, expiresAt };
  }
}
