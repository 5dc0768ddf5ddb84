import { Injectable } from '@nestjs/common';
import { type Expression, type RawBuilder, sql } from 'kysely';
import { TenantDb } from '../database/tenant-db.js';

/** Activities that are a contact with the lead: the same four that move a NEW_LEAD to IN_CONTACT (app.activity_records_contact). */
export const CONTACT_ACTIVITY_TYPES = ['CALL', 'EMAIL', 'MEETING', 'SHOWING'] as const;

export const RANKING_METRICS = ['conversion_rate', 'qualification_rate', 'response_rate'] as const;
export type RankingMetric = (typeof RANKING_METRICS)[number];

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
    return this.figures(campaignId, 'left').where('c.id', '=', campaignId).executeTakeFirst();
  }

  /** Live campaigns with at least one visible lead, best first by `metric`, then by leads (most first). */
  top(metric: RankingMetric, limit: number): Promise<CampaignFiguresRow[]> {
    return this.figures(undefined, 'inner')
      .orderBy(COLUMN_OF_METRIC[metric], 'desc')
      .orderBy('leads', 'desc')
      .orderBy('c.id')
      .limit(limit)
      .execute();
  }

  /**
   * Each visible live lead (of `campaignId`, or of any campaign) with when it was first contacted:
   * its earliest completed CALL, EMAIL, MEETING or SHOWING, read through the leads_org_campaign_idx
   * rows and each lead's activities.
   */
  private leadFacts(campaignId?: string) {
    return this.db.sql
      .selectFrom('leads as l')
      .select((eb) => [
        'l.campaignId',
        'l.status',
        'l.createdAt',
        eb
          .selectFrom('activities as a')
          .select((a) => a.fn.min('a.completedAt').as('firstContactAt'))
          .whereRef('a.organizationId', '=', 'l.organizationId')
          .whereRef('a.leadId', '=', 'l.id')
          .where('a.type', 'in', CONTACT_ACTIVITY_TYPES)
          .where('a.completedAt', 'is not', null)
          .as('firstContactAt'),
      ])
      .where('l.organizationId', '=', this.db.orgId)
      .where('l.deletedAt', 'is', null)
      .where('l.campaignId', campaignId ? '=' : 'is not', campaignId ?? null);
  }

  /**
   * The counts per campaign, aggregated from the leads before they meet the campaigns: joining
   * each lead to its campaign first made Postgres estimate a nested loop of campaigns × leads,
   * costly enough to be JIT-compiled — 4-5 s for 20,000 leads where this shape takes ≈ 0.1 s.
   */
  private leadCounts(campaignId?: string) {
    return this.db.sql
      .selectFrom(this.leadFacts(campaignId).as('f'))
      .select((eb) => {
        const contacted = eb.or([eb('f.status', '<>', 'NEW_LEAD'), eb('f.firstContactAt', 'is not', null)]);
        const secondsToContact = sql`greatest(0, extract(epoch from ${eb.ref('f.firstContactAt')} - ${eb.ref('f.createdAt')}))::float8`;
        return [
          'f.campaignId',
          sql<number>`count(*)::int`.as('leads'),
          countWhere(contacted).as('contacted'),
          countWhere(eb('f.status', 'in', ['QUALIFIED', 'CONVERTED'])).as('qualified'),
          countWhere(eb('f.status', '=', 'CONVERTED')).as('converted'),
          countWhere(eb('f.status', '=', 'LOST')).as('lost'),
          // greatest() ignores a NULL, so the leads never contacted are filtered out, not counted as 0 s.
          sql<number | null>`round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ${secondsToContact})
            FILTER (WHERE ${eb.ref('f.firstContactAt')} IS NOT NULL))`.as('medianTimeToFirstContact'),
        ];
      })
      .groupBy('f.campaignId');
  }

  /** Campaigns and their counts: `left` keeps a campaign without visible leads (zeros), `inner` drops it. */
  private figures(campaignId: string | undefined, join: 'left' | 'inner') {
    const counts = this.leadCounts(campaignId).as('s');
    const campaigns = this.db.sql.selectFrom('campaigns as c');
    const joined =
      join === 'left'
        ? campaigns.leftJoin(counts, 's.campaignId', 'c.id')
        : campaigns.innerJoin(counts, 's.campaignId', 'c.id');
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

const countWhere = (condition: Expression<unknown>): RawBuilder<number> =>
  sql<number>`(count(*) FILTER (WHERE ${condition}))::int`;

/** part / whole as a fraction rounded to 4 decimals; null when there is nothing to divide by (no leads, or none visible). */
const rate = (part: Expression<unknown>, whole: Expression<unknown>): RawBuilder<number | null> =>
  sql<number | null>`round(${part}::numeric / nullif(${whole}, 0), 4)::float8`;

/** The budget divided by a count, in money (2 decimals); null without a budget or when the count is 0 or unknown. */
const costPer = (budget: Expression<unknown>, count: Expression<unknown>): RawBuilder<string | null> =>
  sql<string | null>`round(${budget} / nullif(${count}, 0), 2)::text`;
