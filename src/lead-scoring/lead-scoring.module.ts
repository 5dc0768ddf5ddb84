import { Module } from '@nestjs/common';
import { LeadScoringController } from './lead-scoring.controller.js';
import { LeadScoringHousekeeping } from './lead-scoring.housekeeping.js';
import { LeadScoringRepository } from './lead-scoring.repository.js';
import { LeadScoringService } from './lead-scoring.service.js';

/** Lead scoring (issue 17): the organization's weights and qualification rule; the leads module asks it to qualify. */
@Module({
  controllers: [LeadScoringController],
  providers: [LeadScoringRepository, LeadScoringService, LeadScoringHousekeeping],
  exports: [LeadScoringService],
})
export class LeadScoringModule {}
