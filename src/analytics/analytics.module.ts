import { Module } from '@nestjs/common';
import { AgentLeaderboardController } from './agent-leaderboard.controller.js';
import { AgentLeaderboardRepository } from './agent-leaderboard.repository.js';
import { AgentLeaderboardService } from './agent-leaderboard.service.js';
import { AnalyticsDb } from './analytics-db.js';
import { LeadFunnelController } from './lead-funnel.controller.js';
import { LeadFunnelRepository } from './lead-funnel.repository.js';
import { LeadFunnelService } from './lead-funnel.service.js';

/** Issue 18: the dashboard's figures under /v1/analytics (docs/analytics.md). */
@Module({
  controllers: [LeadFunnelController, AgentLeaderboardController],
  providers: [
    AnalyticsDb,
    LeadFunnelService,
    LeadFunnelRepository,
    AgentLeaderboardService,
    AgentLeaderboardRepository,
  ],
})
export class AnalyticsModule {}
