import { Module } from '@nestjs/common';
import { AssigneesModule } from '../assignees/assignees.module.js';
import { LeadRoutingController } from './lead-routing.controller.js';
import { LeadRoutingRepository } from './lead-routing.repository.js';
import { LeadRoutingService } from './lead-routing.service.js';

@Module({
  imports: [AssigneesModule],
  controllers: [LeadRoutingController],
  providers: [LeadRoutingRepository, LeadRoutingService],
  exports: [LeadRoutingService],
})
export class LeadRoutingModule {}
