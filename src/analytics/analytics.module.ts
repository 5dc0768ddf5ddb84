import { Module } from '@nestjs/common';
import { AnalyticsDb } from './analytics-db.js';
import { CampaignAnalyticsController } from './campaign-analytics.controller.js';
import { CampaignAnalyticsRepository } from './campaign-analytics.repository.js';
import { CampaignAnalyticsService } from './campaign-analytics.service.js';
import { ContactStatsController } from './contact-stats.controller.js';
import { ContactStatsRepository } from './contact-stats.repository.js';
import { ContactStatsService } from './contact-stats.service.js';
import { WorkloadController } from './workload.controller.js';
import { WorkloadRepository } from './workload.repository.js';
import { WorkloadService } from './workload.service.js';

/** Issue 18: the dashboard's figures under /v1/analytics (docs/analytics.md). */
@Module({
  controllers: [WorkloadController, ContactStatsController, CampaignAnalyticsController],
  providers: [
    AnalyticsDb,
    WorkloadService,
    WorkloadRepository,
    ContactStatsService,
    ContactStatsRepository,
    CampaignAnalyticsService,
    CampaignAnalyticsRepository,
  ],
})
export class AnalyticsModule {}
