import { Module } from '@nestjs/common';
import { AssigneesModule } from '../assignees/assignees.module.js';
import { IncludesModule } from '../includes/includes.module.js';
import { ListingImportWriter } from './listing-import.writer.js';
import { ListingsController } from './listings.controller.js';
import { ListingsRepository } from './listings.repository.js';
import { ListingsService } from './listings.service.js';

@Module({
  imports: [AssigneesModule, IncludesModule],
  controllers: [ListingsController],
  providers: [ListingsRepository, ListingsService, ListingImportWriter],
  // Exports read through the service; imports (src/imports) write through the feature's own writer.
  exports: [ListingsService, ListingImportWriter],
})
export class ListingsModule {}
