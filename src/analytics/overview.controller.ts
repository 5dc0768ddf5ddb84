import { Get, Query } from '@nestjs/common';
import { Endpoint } from '../http/endpoint.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { AnalyticsQuery } from './dto/analytics.query.js';
import { OverviewOutput } from './dto/overview.output.js';
import { OverviewService } from './overview.service.js';

@TenantController('analytics')
export class OverviewController {
  constructor(private readonly overviews: OverviewService) {}

  @Get('overview')
  @Endpoint({
    summary: 'The brokerage dashboard: leads, speed-to-lead, pipeline, deals won, listings, appointments and tickets',
    description:
      "Each period figure beside the previous period's; the lead cohort per bucket. Definitions in docs/analytics.md " +
      '("Overview"). Figures count only the records you may see: an AGENT gets their own, a MANAGER one member\'s with agentId.',
    ok: OverviewOutput,
  })
  overview(@Query() query: AnalyticsQuery): Promise<OverviewOutput> {
    return this.overviews.overview(query);
  }
}
