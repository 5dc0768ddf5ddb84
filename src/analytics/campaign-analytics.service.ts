import { Injectable } from '@nestjs/common';
import { NotFound } from '../common/errors.js';
import { AnalyticsDb } from './analytics-db.js';
import { compare, fillBuckets } from './analytics-sql.js';
import { toWindowOutput } from './analytics.mapper.js';
import { CampaignAnalyticsRepository, type LeadCountsRow } from './campaign-analytics.repository.js';
import type { AnalyticsQuery } from './dto/analytics.query.js';
import type { CampaignAnalyticsOutput, CampaignPeriodFigures } from './dto/campaign-analytics.output.js';

const NONE: LeadCountsRow = {
  leads: 0,
  contacted: 0,
  qualified: 0,
  converted: 0,
  lost: 0,
  qualificationRate: null,
  responseRate: null,
  conversionRate: null,
  medianTimeToFirstContact: null,
};

/** Each figure of the current period beside the previous period's. */
function compareFigures(current: LeadCountsRow, previous: LeadCountsRow): CampaignPeriodFigures {
  return {
    leads: compare(current.leads, previous.leads),
    contacted: compare(current.contacted, previous.contacted),
    qualified: compare(current.qualified, previous.qualified),
    converted: compare(current.converted, previous.converted),
    lost: compare(current.lost, previous.lost),
    qualificationRate: compare(current.qualificationRate, previous.qualificationRate),
    responseRate: compare(current.responseRate, previous.responseRate),
    conversionRate: compare(current.conversionRate, previous.conversionRate),
    medianTimeToFirstContact: compare(current.medianTimeToFirstContact, previous.medianTimeToFirstContact),
  };
}

/** GET /v1/analytics/campaigns/{id}: issue 17's campaign performance over a period (docs/analytics.md, "Campaign"). */
@Injectable()
export class CampaignAnalyticsService {
  constructor(
    private readonly analytics: AnalyticsDb,
    private readonly figures: CampaignAnalyticsRepository,
  ) {}

  performance(id: string, query: AnalyticsQuery): Promise<CampaignAnalyticsOutput> {
    return this.analytics.run(query, async (scope) => {
      const campaign = await this.figures.campaign(id);
      if (!campaign) throw new NotFound('Campaign');
      const rows = await this.figures.counts(id, scope);
      const total = (current: boolean) => rows.find((r) => r.wholePeriod && r.current === current) ?? NONE;
      const buckets = rows
        .filter((r): r is typeof r & { bucket: string } => r.current && !r.wholePeriod && r.bucket !== null)
        .map(({ bucket, leads, contacted, qualified, converted }) => ({
          bucket,
          leads,
          contacted,
          qualified,
          converted,
        }));
      return {
        window: toWindowOutput(scope),
        campaign,
        figures: compareFigures(total(true), total(false)),
        series: fillBuckets(scope.window, buckets, { leads: 0, contacted: 0, qualified: 0, converted: 0 }),
      };
    });
  }
}
