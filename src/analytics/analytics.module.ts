import { Module } from '@nestjs/common';
import { AnalyticsDb } from './analytics-db.js';
import { LeadFunnelController } from './lead-funnel.controller.js';
import { LeadFunnelRepository } from './lead-funnel.repository.js';
import { LeadFunnelService } from './lead-funnel.service.js';

/** Issue 18: the dashboard's figures under /v1/analytics (docs/analytics.md). */
@Module({
  controllers: [LeadFunnelController],
  providers: [AnalyticsDb, LeadFunnelService, LeadFunnelRepository],
})
export class AnalyticsModule {}
