import { Module } from '@nestjs/common';
import { AnalyticsDb } from './analytics-db.js';

/** Issue 18: the dashboard's figures under /v1/analytics (docs/analytics.md). */
@Module({
  controllers: [],
  providers: [AnalyticsDb],
})
export class AnalyticsModule {}
