import { Injectable } from '@nestjs/common';
import { AnalyticsDb } from './analytics-db.js';
import type { AnalyticsQuery } from './dto/analytics.query.js';
import type { OverviewOutput } from './dto/overview.output.js';
import { toOverviewOutput } from './overview.mapper.js';
import { OverviewRepository } from './overview.repository.js';

/** Seed 002's get_agency_overview: the dashboard's figures in one snapshot, one statement after the window's. */
@Injectable()
export class OverviewService {
  constructor(
    private readonly analytics: AnalyticsDb,
    private readonly figures: OverviewRepository,
  ) {}

  overview(query: AnalyticsQuery): Promise<OverviewOutput> {
    return this.analytics.run(query, async (scope) => toOverviewOutput(scope, await this.figures.figures(scope)));
  }
}
