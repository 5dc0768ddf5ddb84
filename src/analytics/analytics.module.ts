import { Module } from '@nestjs/common';
import { AnalyticsDb } from './analytics-db.js';
import { OverviewController } from './overview.controller.js';
import { OverviewRepository } from './overview.repository.js';
import { OverviewService } from './overview.service.js';

/** Issue 18: the dashboard's figures under /v1/analytics (docs/analytics.md). */
@Module({
  controllers: [OverviewController],
  providers: [AnalyticsDb, OverviewService, OverviewRepository],
})
export class AnalyticsModule {}
