import { Injectable } from '@nestjs/common';
import { type Expression, type ExpressionBuilder, type RawBuilder, sql } from 'kysely';
import type { DB } from '../database/schema.js';
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

type Figures = ExpressionBuilder<DB & { c: DB['campaigns']; f: LeadFacts }, 'c' | 'f'>;
interface LeadFacts {
  leadId: string;
  campaignId: string | null;
  status: DB['leads']['status'];
  createdAt: Date;
  firstContactAt: Date | null;
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
    return this.figures(campaignId).where('c.id', '=', campaignId).executeTakeFirst();
  }

  /** Live campaigns with at least one visible lead, best first by `metric`, then by leads (most first). */
  top(metric: RankingMetric, limit: number): Promise<CampaignFiguresRow[]> {
    return this.figures()
      .having((eb) => eb.fn.count('f.leadId'), '>=', 1)
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
        'l.id as leadId',
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

  private figures(campaignId?: string) {
    return this.db.sql
      .selectFrom('campaigns as c')
      .leftJoin(this.leadFacts(campaignId).as('f'), 'f.campaignId', 'c.id')
      .select((eb) => {
        const leads = eb.fn.count<number>('f.leadId');
        const contacted = countWhere(eb.or([eb('f.status', '<>', 'NEW_LEAD'), eb('f.firstContactAt', 'is not', null)]));
        const qualified = countWhere(eb('f.status', 'in', ['QUALIFIED', 'CONVERTED']));
        const converted = countWhere(eb('f.status', '=', 'CONVERTED'));
        const secondsToContact = sql`greatest(0, extract(epoch from ${eb.ref('f.firstContactAt')} - ${eb.ref('f.createdAt')}))::float8`;
        return [
          'c.id as campaignId',
          'c.name',
          sql<string | null>`${eb.ref('c.budget')}::text`.as('budget'),
          sql<number>`${leads}::int`.as('leads'),
          sql<number>`${contacted}::int`.as('contacted'),
          sql<number>`${qualified}::int`.as('qualified'),
          sql<number>`${converted}::int`.as('converted'),
          sql<number>`${countWhere(eb('f.status', '=', 'LOST'))}::int`.as('lost'),
          rate(qualified, leads).as('qualificationRate'),
          rate(contacted, leads).as('responseRate'),
          rate(converted, leads).as('conversionRate'),
          // greatest() ignores a NULL, so the leads never contacted are filtered out, not counted as 0 s.
          sql<number | null>`round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ${secondsToContact})
            FILTER (WHERE ${eb.ref('f.firstContactAt')} IS NOT NULL))`.as('medianTimeToFirstContact'),
          costPer(eb, leads).as('costPerLead'),
          costPer(eb, converted).as('costPerConversion'),
        ];
      })
      .where('c.organizationId', '=', this.db.orgId)
      .where('c.deletedAt', 'is', null)
      .groupBy('c.id');
  }
}

const countWhere = (condition: Expression<unknown>): RawBuilder<number> =>
  sql<number>`count(*) FILTER (WHERE ${condition})`;

/** part / whole as a fraction rounded to 4 decimals; null when there is nothing to divide by. */
const rate = (part: Expression<unknown>, whole: Expression<unknown>): RawBuilder<number | null> =>
  sql<number | null>`round(${part}::numeric / nullif(${whole}, 0), 4)::float8`;

/** The budget divided by a count, in money (2 decimals); null without a budget or when the count is 0. */
const costPer = (eb: Figures, count: Expression<unknown>): RawBuilder<string | null> =>
  sql<string | null>`round(${eb.ref('c.budget')} / nullif(${count}, 0), 2)::text`;
