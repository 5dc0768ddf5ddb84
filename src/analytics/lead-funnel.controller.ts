import { Get, Query } from '@nestjs/common';
import { Endpoint } from '../http/endpoint.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { LeadFunnelOutput } from './dto/lead-funnel.output.js';
import { LeadFunnelQuery } from './dto/lead-funnel.query.js';
import { LeadFunnelService } from './lead-funnel.service.js';

@TenantController('analytics')
export class LeadFunnelController {
  constructor(private readonly funnel: LeadFunnelService) {}

  @Get('leads')
  @Endpoint({
    summary: 'The lead funnel by source, campaign, assignee or score band, beside the previous period',
    description:
      'The live leads created in the period, grouped, with their counts by status, contacted, qualified, converted and lost, ' +
      'and the qualification, response and conversion rates. An AGENT gets their own leads (docs/analytics.md, "Leads funnel").',
    ok: LeadFunnelOutput,
  })
  leads(@Query() query: LeadFunnelQuery): Promise<LeadFunnelOutput> {
    return this.funnel.leads(query);
  }
}
