import { Module } from '@nestjs/common';
import { AssigneesModule } from '../assignees/assignees.module.js';
import { IncludesModule } from '../includes/includes.module.js';
import { ActivitiesController } from './activities.controller.js';
import { ActivitiesRepository } from './activities.repository.js';
import { ActivitiesService } from './activities.service.js';
import { LinkedRecordsRepository } from './linked-records.repository.js';
import { LinkedRecordsService } from './linked-records.service.js';

@Module({
  imports: [AssigneesModule, IncludesModule],
  controllers: [ActivitiesController],
  providers: [ActivitiesRepository, ActivitiesService, LinkedRecordsRepository, LinkedRecordsService],
  exports: [LinkedRecordsService],
})
export class ActivitiesModule {}
