import { Injectable } from '@nestjs/common';
import { type Expression, type RawBuilder, sql } from 'kysely';
import { TenantDb } from '../database/tenant-db.js';

export const RANKING_METRICS = ['conversion_rate', 'qualification_rate', 'response_rate'] as const;
export type RankingMetric = (typeof RANKING_METRICS)[number];

/** A row of app.campaign_lead_counts: one campaign's visible live leads, counted. */
interface LeadCounts {
  campaignId: string;
  leads: number;
  contacted: number;
  qualified: number;
  converted: number;
  lost: number;
  medianTimeToFirstContact: number | null;
}

/** One campaign's figures over the leads the caller may see. */
export interface CampaignFiguresRow {
  campaignId: string;
  name: string;
  budget: string | null;
  leads: number;
  contacted: number;
  qualified: number;
  converted: number;
  lost: number;
  qualificationRate: number | null;
  responseRate: number | null;
  conversionRate: number | null;
  medianTimeToFirstContact: number | null;
  costPerLead: string | null;
  costPerConversion: string | null;
}

const COLUMN_OF_METRIC = {
  conversion_rate: 'conversionRate',
  qualification_rate: 'qualificationRate',
  response_rate: 'responseRate',
} as const satisfies Record<RankingMetric, keyof CampaignFiguresRow>;

/**
 * Campaign performance, each answer ONE statement over campaigns and the leads and activities
 * RLS shows the caller: an AGENT's figures count only their own leads (docs/campaigns.md
 * defines every figure).
 */
@Injectable()
export class CampaignPerformanceRepository {
  constructor(private readonly db: TenantDb) {}

  /** A live campaign's figures; undefined when the caller cannot see the campaign. */
  performance(campaignId: string): Promise<CampaignFiguresRow | undefined> {
    const counts = sql<LeadCounts>`app.campaign_lead_counts(ARRAY[${campaignId}]::uuid[])`;
    return this.figures(counts, 'left').where('c.id', '=', campaignId).executeTakeFirst();
  }

  /** Live campaigns with at least one visible lead, best first by `metric`, then by leads (most first). */
  top(metric: RankingMetric, limit: number): Promise<CampaignFiguresRow[]> {
    const live = this.db.sql
      .selectFrom('campaigns')
      .select('id')
      .where('organizationId', '=', this.db.orgId)
      .where('deletedAt', 'is', null);
    const counts = sql<LeadCounts>`app.campaign_lead_counts(ARRAY(${live}))`;
    return this.figures(counts, 'inner')
      .orderBy(COLUMN_OF_METRIC[metric], 'desc')
      .orderBy('leads', 'desc')
      .orderBy('c.id')
      .limit(limit)
      .execute();
  }

  /**
   * Campaigns with their leads' counts (migration 20261206091000: the counting runs in
   * app.campaign_lead_counts, whose SET clause keeps Postgres from JIT-compiling it), and the
   * rates and costs derived from them. `left` keeps a campaign without visible leads (zeros),
   * `inner` drops it.
   */
  private figures(counts: RawBuilder<LeadCounts>, join: 'left' | 'inner') {
    const campaigns = this.db.sql.selectFrom('campaigns as c');
    const joined =
      join === 'left'
        ? campaigns.leftJoin(counts.as('s'), (on) => on.onRef('s.campaignId', '=', 'c.id'))
        : campaigns.innerJoin(counts.as('s'), (on) => on.onRef('s.campaignId', '=', 'c.id'));
    return joined
      .select((eb) => {
        const count = (column: 'leads' | 'contacted' | 'qualified' | 'converted' | 'lost') =>
          sql<number>`coalesce(${eb.ref(`s.${column}`)}, 0)`.as(column);
        const leads = eb.ref('s.leads');
        return [
          'c.id as campaignId',
          'c.name',
          sql<string | null>`${eb.ref('c.budget')}::text`.as('budget'),
          count('leads'),
          count('contacted'),
          count('qualified'),
          count('converted'),
          count('lost'),
          rate(eb.ref('s.qualified'), leads).as('qualificationRate'),
          rate(eb.ref('s.contacted'), leads).as('responseRate'),
          rate(eb.ref('s.converted'), leads).as('conversionRate'),
          sql<number | null>`${eb.ref('s.medianTimeToFirstContact')}`.as('medianTimeToFirstContact'),
          costPer(eb.ref('c.budget'), leads).as('costPerLead'),
          costPer(eb.ref('c.budget'), eb.ref('s.converted')).as('costPerConversion'),
        ];
      })
      .where('c.organizationId', '=', this.db.orgId)
      .where('c.deletedAt', 'is', null);
  }
}

/** part / whole as a fraction rounded to 4 decimals; null when there is nothing to divide by (no leads, or none visible). */
const rate = (part: Expression<unknown>, whole: Expression<unknown>): RawBuilder<number | null> =>
  sql<number | null>`round(${part}::numeric / nullif(${whole}, 0), 4)::float8`;

/** The budget divided by a count, in money (2 decimals); null without a budget or when the count is 0 or unknown. */
const costPer = (budget: Expression<unknown>, count: Expression<unknown>): RawBuilder<string | null> =>
  sql<string | null>`round(${budget} / nullif(${count}, 0), 2)::text`;
