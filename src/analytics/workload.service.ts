import { Injectable } from '@nestjs/common';
import { AnalyticsDb } from './analytics-db.js';
import { toWindowOutput } from './analytics.mapper.js';
import type { AnalyticsQuery } from './dto/analytics.query.js';
import type { WorkloadOutput } from './dto/workload.output.js';
import { WorkloadRepository } from './workload.repository.js';

/** GET /v1/analytics/workload: who carries what right now (docs/analytics.md, "Workload"). */
@Injectable()
export class WorkloadService {
  constructor(
    private readonly analytics: AnalyticsDb,
    private readonly figures: WorkloadRepository,
  ) {}

  workload(query: AnalyticsQuery): Promise<WorkloadOutput> {
    return this.analytics.run(query, async (scope) => {
      const { asOf, members } = await this.figures.workload(scope.agentId);
      return { window: toWindowOutput(scope), asOf: asOf.toISOString(), data: members };
    });
  }
}
