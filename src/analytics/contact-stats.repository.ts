import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { TenantDb } from '../database/tenant-db.js';
import type { ContactStatus, ContactType } from '../generated/prisma/enums.js';
import { bucketOf } from './analytics-sql.js';
import type { AnalyticsScope } from './analytics-window.js';

/** How long ago a contact was last contacted, in days before now; `never` without lastContactAt. */
export const RECENCY_BANDS = ['within7Days', 'days8To30', 'days31To90', 'over90Days', 'never'] as const;
export type RecencyBand = (typeof RECENCY_BANDS)[number];

export interface ContactTotalsRow extends Record<RecencyBand, number> {
  total: number;
  byType: Partial<Record<ContactType, number>>;
  byStatus: Partial<Record<ContactStatus, number>>;
  created: number;
  createdPrevious: number;
  withOpenDeals: number;
}

export interface ContactBucketRow {
  bucket: string;
  created: number;
}

/**
 * Seed 001's customer stats over the live contacts in scope (all of the organization's, or
 * those assigned to agentId): contacts carry no AGENT policy, so the scope is the narrowing.
 */
@Injectable()
export class ContactStatsRepository {
  constructor(private readonly db: TenantDb) {}

  /** The state now, and contacts created in the period and the previous one: one statement. */
  async totals({ window, agentId }: AnalyticsScope): Promise<ContactTotalsRow> {
    const org = this.db.orgId;
    const ago = (days: number) => sql`now() - make_interval(days => ${days})`;
    const { rows } = await sql<ContactTotalsRow>`
      WITH c AS MATERIALIZED (
        SELECT c.id, c.type, c.status, c.created_at, c.last_contact_at
          FROM contacts c
         WHERE c.organization_id = ${org}
           AND c.deleted_at IS NULL
           ${agentId ? sql`AND c.assigned_to_id = ${agentId}` : sql``}
      )
      SELECT count(*)::int AS total,
             (SELECT coalesce(json_object_agg(g.type, g.n), '{}')
                FROM (SELECT type, count(*)::int AS n FROM c GROUP BY type) g) AS "byType",
             (SELECT coalesce(json_object_agg(g.status, g.n), '{}')
                FROM (SELECT status, count(*)::int AS n FROM c GROUP BY status) g) AS "byStatus",
             (count(*) FILTER (WHERE c.created_at >= ${window.from} AND c.created_at < ${window.to}))::int AS created,
             (count(*) FILTER (WHERE c.created_at >= ${window.previousFrom} AND c.created_at < ${window.previousTo}))::int
               AS "createdPrevious",
             -- Narrowed to a member, the deal must be theirs too: a MANAGER asking for agentId=X
             -- gets exactly what X sees as an AGENT (RLS shows an AGENT deals assigned to or created by them).
             (count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM deals d
                WHERE d.organization_id = ${org}
                  AND d.contact_id = c.id
                  AND d.deleted_at IS NULL
                  AND d.status = 'ACTIVE'
                  ${agentId ? sql`AND d.assigned_to_id = ${agentId}` : sql``})))::int AS "withOpenDeals",
             (count(*) FILTER (WHERE c.last_contact_at >= ${ago(7)}))::int AS "within7Days",
             (count(*) FILTER (WHERE c.last_contact_at < ${ago(7)} AND c.last_contact_at >= ${ago(30)}))::int AS "days8To30",
             (count(*) FILTER (WHERE c.last_contact_at < ${ago(30)} AND c.last_contact_at >= ${ago(90)}))::int AS "days31To90",
             (count(*) FILTER (WHERE c.last_contact_at < ${ago(90)}))::int AS "over90Days",
             (count(*) FILTER (WHERE c.last_contact_at IS NULL))::int AS never
        FROM c`.execute(this.db.sql);
    const [row] = rows;
    if (!row) throw new Error('An aggregate without GROUP BY returns one row');
    return row;
  }

  /** Contacts created in each bucket of the period (buckets without any are absent). */
  async createdPerBucket({ window, agentId }: AnalyticsScope): Promise<ContactBucketRow[]> {
    const { rows } = await sql<ContactBucketRow>`
      SELECT ${bucketOf(window, sql.ref('c.created_at'))} AS bucket, count(*)::int AS created
        FROM contacts c
       WHERE c.organization_id = ${this.db.orgId}
         AND c.deleted_at IS NULL
         ${agentId ? sql`AND c.assigned_to_id = ${agentId}` : sql``}
         AND c.created_at >= ${window.from}
         AND c.created_at < ${window.to}
       GROUP BY 1`.execute(this.db.sql);
    return rows;
  }
}
