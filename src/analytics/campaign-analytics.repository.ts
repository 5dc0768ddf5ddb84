import { Injectable } from '@nestjs/common';
import { type RawBuilder, sql } from 'kysely';
import { TenantDb } from '../database/tenant-db.js';
import type { CampaignStatus } from '../generated/prisma/enums.js';
import { bucketOf, rateOf } from './analytics-sql.js';
import type { AnalyticsScope } from './analytics-window.js';

export interface CampaignRow {
  id: string;
  name: string;
  status: CampaignStatus;
  budget: string | null;
}

/** The counts of issue 17's campaign performance, over the leads created in one period or bucket. */
export interface LeadCountsRow {
  leads: number;
  contacted: number;
  qualified: number;
  converted: number;
  lost: number;
  qualificationRate: number | null;
  responseRate: number | null;
  conversionRate: number | null;
  medianTimeToFirstContact: number | null;
}

/** A row of the grouping sets: a whole period (`bucket` null) or one bucket of the current period. */
export interface CampaignCountsRow extends LeadCountsRow {
  current: boolean;
  wholePeriod: boolean;
  bucket: string | null;
}

/**
 * A campaign's performance over time: issue 17's figures (app.campaign_lead_counts, docs/campaigns.md)
 * over the leads CREATED in the window, under RLS. JIT is already off for the transaction
 * (AnalyticsDb), which is what app.campaign_lead_counts' SET clause is for.
 */
@Injectable()
export class CampaignAnalyticsRepository {
  constructor(private readonly db: TenantDb) {}

  /** A live campaign of the organization; undefined when there is none. */
  async campaign(id: string): Promise<CampaignRow | undefined> {
    const { rows } = await sql<CampaignRow>`
      SELECT c.id, c.name, c.status, c.budget::text AS budget
        FROM campaigns c
       WHERE c.organization_id = ${this.db.orgId} AND c.id = ${id} AND c.deleted_at IS NULL`.execute(this.db.sql);
    return rows[0];
  }

  /**
   * ONE pass over the campaign's leads created in [previousFrom, to): grouping sets give the
   * current and previous periods' totals and the current period's buckets together.
   */
  async counts(campaignId: string, { window, agentId }: AnalyticsScope): Promise<CampaignCountsRow[]> {
    const count = (where?: RawBuilder<unknown>) =>
      where ? sql<number>`(count(*) FILTER (WHERE ${where}))::int` : sql<number>`count(*)::int`;
    const leads = count();
    const contacted = count(sql`b.status <> 'NEW_LEAD' OR b.first_contact_at IS NOT NULL`);
    const qualified = count(sql`b.status IN ('QUALIFIED', 'CONVERTED')`);
    const converted = count(sql`b.status = 'CONVERTED'`);
    const { rows } = await sql<CampaignCountsRow>`
      WITH l AS (
        SELECT l.status,
               l.created_at,
               l.created_at >= ${window.from} AS current,
               fc.first_contact_at
          FROM leads l
          -- The earliest completed contact activity, as app.campaign_lead_counts finds it.
          LEFT JOIN LATERAL (
            SELECT min(a.completed_at) AS first_contact_at
              FROM activities a
             WHERE a.organization_id = l.organization_id
               AND a.lead_id = l.id
               AND a.type IN ('CALL', 'EMAIL', 'MEETING', 'SHOWING')
               AND a.completed_at IS NOT NULL
          ) fc ON true
         WHERE l.organization_id = ${this.db.orgId}
           AND l.campaign_id = ${campaignId}
           AND l.deleted_at IS NULL
           ${agentId ? sql`AND l.assigned_to_id = ${agentId}` : sql``}
           AND l.created_at >= ${window.previousFrom}
           AND l.created_at < ${window.to}
      ), b AS (
        SELECT l.*, CASE WHEN l.current THEN ${bucketOf(window, sql.ref('l.created_at'))} END AS bucket FROM l
      )
      SELECT b.current,
             GROUPING(b.bucket) = 1 AS "wholePeriod",
             b.bucket,
             ${leads} AS leads,
             ${contacted} AS contacted,
             ${qualified} AS qualified,
             ${converted} AS converted,
             ${count(sql`b.status = 'LOST'`)} AS lost,
             ${rateOf(qualified, leads)} AS "qualificationRate",
             ${rateOf(contacted, leads)} AS "responseRate",
             ${rateOf(converted, leads)} AS "conversionRate",
             round(percentile_cont(0.5) WITHIN GROUP (
                     ORDER BY greatest(0, extract(epoch FROM b.first_contact_at - b.created_at))::float8)
                   FILTER (WHERE b.first_contact_at IS NOT NULL)) AS "medianTimeToFirstContact"
        FROM b
       GROUP BY GROUPING SETS ((b.current), (b.current, b.bucket))`.execute(this.db.sql);
    return rows;
  }
}
