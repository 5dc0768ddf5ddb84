import { Module } from '@nestjs/common';
import { AnalyticsDb } from './analytics-db.js';
import { WorkloadController } from './workload.controller.js';
import { WorkloadRepository } from './workload.repository.js';
import { WorkloadService } from './workload.service.js';

/** Issue 18: the dashboard's figures under /v1/analytics (docs/analytics.md). */
@Module({
  controllers: [WorkloadController],
  providers: [AnalyticsDb, WorkloadService, WorkloadRepository],
})
export class AnalyticsModule {}
