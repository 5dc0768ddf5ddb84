import { Get, Query } from '@nestjs/common';
import { Endpoint } from '../http/endpoint.decorator.js';
import { TenantController } from '../tenancy/tenant-route.decorator.js';
import { ContactStatsService } from './contact-stats.service.js';
import { AnalyticsQuery } from './dto/analytics.query.js';
import { ContactStatsOutput } from './dto/contact-stats.output.js';

@TenantController('analytics')
export class ContactStatsController {
  constructor(private readonly contacts: ContactStatsService) {}

  @Get('contacts')
  @Endpoint({
    summary:
      'Contacts by type and status, new contacts per bucket, contacts with open deals and last-contacted recency',
    description:
      'Types, statuses, open deals and recency describe the live contacts now; new contacts are counted in the period ' +
      '(per bucket, and in total beside the previous period). agentId narrows to the contacts assigned to that member; an ' +
      'AGENT gets their own. Definitions in docs/analytics.md, "Contacts".',
    ok: ContactStatsOutput,
  })
  stats(@Query() query: AnalyticsQuery): Promise<ContactStatsOutput> {
    return this.contacts.stats(query);
  }
}
