import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { FilesController } from './files.controller.js';
import { ImageStore } from './image-store.js';
import { LocalStorageDriver } from './local-storage.driver.js';
import { FILES_STORAGE, STORAGE_DRIVER, type StorageDriver } from './storage.driver.js';
import { SupabaseStorageDriver } from './supabase-storage.driver.js';

/**
 * The configured StorageDriver (STORAGE_DRIVER: local by default, Supabase Storage when
 * configured) for attachments, FILES_STORAGE for the API's own files, and ImageStore for
 * avatars and logos.
 */
@Global()
@Module({
  controllers: [FilesController],
  providers: [
    ImageStore,
    {
      provide: STORAGE_DRIVER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): StorageDriver =>
        config.storage.driver === 'supabase'
          ? new SupabaseStorageDriver(config.storage)
          : new LocalStorageDriver(config.storage),
    },
    {
      provide: FILES_STORAGE,
      inject: [APP_CONFIG, STORAGE_DRIVER],
      useFactory: (config: AppConfig, attachments: StorageDriver): StorageDriver =>
        attachments.kind === 'supabase'
          ? new SupabaseStorageDriver(config.storage, { name: config.storage.filesBucket, attachments: false })
          : attachments,
    },
  ],
  exports: [STORAGE_DRIVER, FILES_STORAGE, ImageStore],
})
export class StorageModule {}
