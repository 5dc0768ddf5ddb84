import { Module } from '@nestjs/common';
import { AssigneesModule } from '../assignees/assignees.module.js';
import { IncludesModule } from '../includes/includes.module.js';
import { CampaignPerformanceRepository } from './campaign-performance.repository.js';
import { CampaignPerformanceService } from './campaign-performance.service.js';
import { CampaignsController } from './campaigns.controller.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { CampaignsService } from './campaigns.service.js';

@Module({
  imports: [AssigneesModule, IncludesModule],
  controllers: [CampaignsController],
  providers: [CampaignsRepository, CampaignsService, CampaignPerformanceRepository, CampaignPerformanceService],
})
export class CampaignsModule {}
