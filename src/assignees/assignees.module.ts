import { Module } from '@nestjs/common';
import { AssigneesRepository } from './assignees.repository.js';
import { AssigneesService } from './assignees.service.js';

/** The shared "who may a record be assigned to" rule for leads, contacts and others. */
@Module({
  providers: [AssigneesRepository, AssigneesService],
  exports: [AssigneesService],
})
export class AssigneesModule {}
