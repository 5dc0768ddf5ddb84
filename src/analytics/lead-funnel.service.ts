import { Injectable } from '@nestjs/common';
import { AnalyticsDb } from './analytics-db.js';
import { compare } from './analytics-sql.js';
import { toWindowOutput } from './analytics.mapper.js';
import type { LeadFunnelGroupOutput, LeadFunnelOutput } from './dto/lead-funnel.output.js';
import type { LeadFunnelQuery } from './dto/lead-funnel.query.js';
import { type FunnelGroupRow, LeadFunnelRepository } from './lead-funnel.repository.js';

/** GET /v1/analytics/leads: seed 002's lead analytics, as a funnel per group. */
@Injectable()
export class LeadFunnelService {
  constructor(
    private readonly analytics: AnalyticsDb,
    private readonly funnel: LeadFunnelRepository,
  ) {}

  leads(query: LeadFunnelQuery): Promise<LeadFunnelOutput> {
    return this.analytics.run(query, async (scope) => ({
      window: toWindowOutput(scope),
      groupBy: query.groupBy,
      groups: (await this.funnel.groups(scope, query.groupBy)).map(toGroupOutput),
    }));
  }
}

const toGroupOutput = (row: FunnelGroupRow): LeadFunnelGroupOutput => ({
  key: row.key,
  label: row.label,
  leads: compare(row.leads, row.leadsPrevious),
  byStatus: row.byStatus,
  contacted: row.contacted,
  qualified: row.qualified,
  converted: row.converted,
  lost: row.lost,
  qualificationRate: compare(row.qualificationRate, row.qualificationRatePrevious),
  responseRate: compare(row.responseRate, row.responseRatePrevious),
  conversionRate: compare(row.conversionRate, row.conversionRatePrevious),
});
