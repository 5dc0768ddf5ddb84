import { Module } from '@nestjs/common';
import { AssigneesModule } from '../assignees/assignees.module.js';
import { IncludesModule } from '../includes/includes.module.js';
import { DealsController } from './deals.controller.js';
import { DealsRepository } from './deals.repository.js';
import { DealsService } from './deals.service.js';

@Module({
  imports: [AssigneesModule, IncludesModule],
  controllers: [DealsController],
  providers: [DealsRepository, DealsService],
  exports: [DealsService],
})
export class DealsModule {}
