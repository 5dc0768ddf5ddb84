import { Get, Query } from '@nestjs/common';
import { IdParam } from '../common/uuid-param.pipe.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { CampaignAnalyticsService } from './campaign-analytics.service.js';
import { AnalyticsQuery } from './dto/analytics.query.js';
import { CampaignAnalyticsOutput } from './dto/campaign-analytics.output.js';

@TenantController('analytics')
export class CampaignAnalyticsController {
  constructor(private readonly campaigns: CampaignAnalyticsService) {}

  @Get('campaigns/:id')
  @Endpoint({
    summary: "A campaign's lead, contact, qualification and conversion figures over a period, per bucket",
    description:
      "GET /v1/campaigns/{id}/performance's figures over the campaign's live leads CREATED in the period, beside the " +
      'previous period, and per bucket. agentId narrows to the leads assigned to that member; an AGENT gets their own. ' +
      'Definitions in docs/analytics.md, "Campaign".',
    ok: CampaignAnalyticsOutput,
  })
  performance(@IdParam() id: string, @Query() query: AnalyticsQuery): Promise<CampaignAnalyticsOutput> {
    return this.campaigns.performance(id, query);
  }
}
