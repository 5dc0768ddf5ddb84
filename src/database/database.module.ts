import { Global, Module } from '@nestjs/common';
import { DatabaseService } from './database.service.js';
import { TenantDb } from './tenant-db.js';

@Global()
@Module({
  providers: [DatabaseService, TenantDb],
  exports: [DatabaseService, TenantDb],
})
export class DatabaseModule {}
