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
 * avatars and logos. supabase-js is imported only when the Supabase driver is chosen.
 */
@Global()
@Module({
  controllers: [FilesController],
  providers: [
    ImageStore,
    {
      provide: STORAGE_DRIVER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): StorageDriver | Promise<StorageDriver> =>
        config.storage.driver === 'supabase'
          ? SupabaseStorageDriver.create(config.storage)
          : new LocalStorageDriver(config.storage),
    },
    {
      provide: FILES_STORAGE,
      inject: [APP_CONFIG, STORAGE_DRIVER],
      useFactory: (config: AppConfig, attachments: StorageDriver): StorageDriver | Promise<StorageDriver> =>
        attachments.kind === 'supabase'
          ? SupabaseStorageDriver.create(config.storage, { name: config.storage.filesBucket, attachments: false })
          : attachments,
    },
  ],
  exports: [STORAGE_DRIVER, FILES_STORAGE, ImageStore],
})
export class StorageModule {}
