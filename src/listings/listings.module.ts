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
  // Imports (src/imports) write listings through the listings feature's own writer.
  exports: [ListingImportWriter],
})
export class ListingsModule {}
