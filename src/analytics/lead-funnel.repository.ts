import { Injectable } from '@nestjs/common';
import { type Expression, type RawBuilder, sql } from 'kysely';
import { TenantDb } from '../database/tenant-db.js';
import { LeadStatus } from '../generated/prisma/enums.js';
import { rateOf } from './analytics-sql.js';
import type { AnalyticsScope } from './analytics-window.js';

export const FUNNEL_GROUPINGS = ['source', 'campaignId', 'assignedToId', 'score'] as const;
export type FunnelGrouping = (typeof FUNNEL_GROUPINGS)[number];

export const LEAD_STATUSES = Object.values(LeadStatus);

/** A response lists at most this many groups, the largest (a campaign per group is the only unbounded grouping). */
export const MAX_FUNNEL_GROUPS = 1000;

/** One group's counts (columns come back camelCased); `*Previous` are the previous period's, the rest the current one's. */
export interface FunnelGroupRow {
  key: string | null;
  label: string | null;
  leads: number;
  leadsPrevious: number;
  byStatus: Record<LeadStatus, number>;
  contacted: number;
  qualified: number;
  converted: number;
  lost: number;
  qualificationRate: number | null;
  qualificationRatePrevious: number | null;
  responseRate: number | null;
  responseRatePrevious: number | null;
  conversionRate: number | null;
  conversionRatePrevious: number | null;
}

/** The group key of each grouping, as text (a uuid, an enum value or null). */
const KEY_OF: Record<FunnelGrouping, RawBuilder<string | null>> = {
  source: sql`l.source::text`,
  score: sql`l.score::text`,
  campaignId: sql`l.campaign_id::text`,
  assignedToId: sql`l.assigned_to_id::text`,
};

/**
 * The group's name beside its key: the campaign's name, the member's full name (or email, when
 * they gave none), or the enum value itself. Read under RLS like the counts: profiles show only
 * members of the caller's organization.
 */
const LABEL_OF: Record<FunnelGrouping, RawBuilder<string | null>> = {
  source: sql`g.key`,
  score: sql`g.key`,
  campaignId: sql`(SELECT c.name FROM campaigns c
                    WHERE c.organization_id = (SELECT app.current_org_id()) AND c.id = g.key::uuid)`,
  assignedToId: sql`(SELECT coalesce(p.full_name, p.email) FROM profiles p WHERE p.id = g.key::uuid)`,
};

/**
 * The lead funnel (docs/analytics.md, "Leads funnel"): the live leads CREATED in the period
 * (a cohort), grouped, with what became of them — current and previous period in ONE statement
 * over leads_org_live_created_response_idx, under the caller's RLS.
 */
@Injectable()
export class LeadFunnelRepository {
  constructor(private readonly db: TenantDb) {}

  async groups({ window, agentId }: AnalyticsScope, groupBy: FunnelGrouping): Promise<FunnelGroupRow[]> {
    // The scan covers both periods ([previousFrom, to)); the previous one ends at or before `from`.
    const current = sql`l.created_at >= ${window.from}::timestamptz`;
    const previous = sql`l.created_at < ${window.previousTo}::timestamptz`;
    const count = (period: RawBuilder<unknown>, where: RawBuilder<unknown> = sql`true`) =>
      sql<number>`(count(*) FILTER (WHERE ${period} AND ${where}))::int`;
    const contacted = sql`(l.status <> 'NEW_LEAD' OR l.first_response_at IS NOT NULL)`;
    const qualified = sql`l.status IN ('QUALIFIED', 'CONVERTED')`;
    const converted = sql`l.status = 'CONVERTED'`;
    // A JSON object keyed by status: its keys come back as written (row columns are renamed to camelCase).
    const byStatus = LEAD_STATUSES.map((status) => sql`${status}::text, ${count(current, sql`l.status = ${status}`)}`);
    const { rows } = await sql<FunnelGroupRow>`
      WITH g AS (
        SELECT ${KEY_OF[groupBy]} AS key,
               ${count(current)} AS leads,
               ${count(previous)} AS leads_previous,
               json_build_object(${sql.join(byStatus)}) AS by_status,
               ${count(current, contacted)} AS contacted,
               ${count(previous, contacted)} AS contacted_previous,
               ${count(current, qualified)} AS qualified,
               ${count(previous, qualified)} AS qualified_previous,
               ${count(current, converted)} AS converted,
               ${count(previous, converted)} AS converted_previous,
               ${count(current, sql`l.status = 'LOST'`)} AS lost
          FROM leads l
         WHERE l.organization_id = ${this.db.orgId}
           AND l.deleted_at IS NULL
           AND l.created_at >= ${window.previousFrom}::timestamptz
           AND l.created_at < ${window.to}::timestamptz
           ${agentId ? sql`AND l.assigned_to_id = ${agentId}` : sql``}
         GROUP BY 1
      )
      SELECT g.*, ${LABEL_OF[groupBy]} AS label,
             ${rates('', sql`g.leads`)},
             ${rates('_previous', sql`g.leads_previous`)}
        FROM g
       ORDER BY g.leads DESC, g.leads_previous DESC, g.key NULLS LAST
       LIMIT ${MAX_FUNNEL_GROUPS}`.execute(this.db.sql);
    return rows;
  }
}

/** The three rates of one period, from the period's counts (`suffix` names the period's columns). */
function rates(suffix: '' | '_previous', leads: Expression<unknown>): RawBuilder<unknown> {
  const col = (name: string) => sql.raw(`g.${name}${suffix}`);
  const as = (name: string) => sql.raw(`${name}_rate${suffix}`);
  return sql`${rateOf(col('qualified'), leads)} AS ${as('qualification')},
             ${rateOf(col('contacted'), leads)} AS ${as('response')},
             ${rateOf(col('converted'), leads)} AS ${as('conversion')}`;
}
