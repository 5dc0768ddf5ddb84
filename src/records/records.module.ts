import { Global, Module } from '@nestjs/common';
import { LiveRecordsRepository } from './live-records.repository.js';
import { LiveRecordsService } from './live-records.service.js';

/** Read-only questions about the organization's records that several modules ask (live-records.service.ts). */
@Global()
@Module({
  providers: [LiveRecordsRepository, LiveRecordsService],
  exports: [LiveRecordsService],
})
export class RecordsModule {}
