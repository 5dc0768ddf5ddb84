import { Module } from '@nestjs/common';
import { IncludesService } from './includes.service.js';
import { SummariesRepository } from './summaries.repository.js';

/** `include=` for every resource: summaries of related records, one statement per relation. */
@Module({
  providers: [SummariesRepository, IncludesService],
  exports: [IncludesService],
})
export class IncludesModule {}
