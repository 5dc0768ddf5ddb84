import { Module } from '@nestjs/common';
import { AgentLeaderboardController } from './agent-leaderboard.controller.js';
import { AgentLeaderboardRepository } from './agent-leaderboard.repository.js';
import { AgentLeaderboardService } from './agent-leaderboard.service.js';
import { AnalyticsDb } from './analytics-db.js';
import { CampaignAnalyticsController } from './campaign-analytics.controller.js';
import { CampaignAnalyticsRepository } from './campaign-analytics.repository.js';
import { CampaignAnalyticsService } from './campaign-analytics.service.js';
import { ContactStatsController } from './contact-stats.controller.js';
import { ContactStatsRepository } from './contact-stats.repository.js';
import { ContactStatsService } from './contact-stats.service.js';
import { LeadFunnelController } from './lead-funnel.controller.js';
import { LeadFunnelRepository } from './lead-funnel.repository.js';
import { LeadFunnelService } from './lead-funnel.service.js';
import { OverviewController } from './overview.controller.js';
import { OverviewRepository } from './overview.repository.js';
import { OverviewService } from './overview.service.js';
import { WorkloadController } from './workload.controller.js';
import { WorkloadRepository } from './workload.repository.js';
import { WorkloadService } from './workload.service.js';

/** Issue 18: the dashboard's figures under /v1/analytics (docs/analytics.md). */
@Module({
  controllers: [
    OverviewController,
    LeadFunnelController,
    AgentLeaderboardController,
    WorkloadController,
    ContactStatsController,
    CampaignAnalyticsController,
  ],
  providers: [
    AnalyticsDb,
    OverviewService,
    OverviewRepository,
    LeadFunnelService,
    LeadFunnelRepository,
    AgentLeaderboardService,
    AgentLeaderboardRepository,
    WorkloadService,
    WorkloadRepository,
    ContactStatsService,
    ContactStatsRepository,
    CampaignAnalyticsService,
    CampaignAnalyticsRepository,
  ],
})
export class AnalyticsModule {}
