import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { FilesController } from './files.controller.js';
import { LocalStorageDriver } from './local-storage.driver.js';
import { STORAGE_DRIVER, type StorageDriver } from './storage.driver.js';
import { SupabaseStorageDriver } from './supabase-storage.driver.js';

/** The configured StorageDriver (STORAGE_DRIVER: local by default, Supabase Storage when configured). */
@Global()
@Module({
  controllers: [FilesController],
  providers: [
    {
      provide: STORAGE_DRIVER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): StorageDriver =>
        config.storage.driver === 'supabase'
          ? new SupabaseStorageDriver(config.storage)
          : new LocalStorageDriver(config.storage),
    },
  ],
  exports: [STORAGE_DRIVER],
})
export class StorageModule {}
