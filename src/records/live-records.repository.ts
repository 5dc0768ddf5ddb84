import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';

/** The records others point at: activities, appointments, deals, tickets and timelines hang off them. */
export type RecordKind = 'lead' | 'contact' | 'deal' | 'listing';
/** What a record may link to: the records, and the campaign a lead came from (no timeline of its own). */
export type LinkKind = RecordKind | 'campaign';

const TABLES = {
  lead: 'leads',
  contact: 'contacts',
  deal: 'deals',
  listing: 'listings',
  campaign: 'campaigns',
} as const;

/**
 * Whether records exist, are live (not soft-deleted) and are visible to the caller in the
 * current organization. RLS decides visibility, so another organization's id (and, for an
 * AGENT, a lead or deal that is not theirs) is simply not found. Read-only: the one place a
 * module asks about another's records instead of querying its table.
 */
@Injectable()
export class LiveRecordsRepository {
  constructor(private readonly db: TenantDb) {}

  /** The ids among `ids` that are live, visible records of this kind (one statement). */
  async liveIds(kind: LinkKind, ids: readonly string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await this.db.sql
      .selectFrom(TABLES[kind])
      .select('id')
      .where('organizationId', '=', this.db.orgId)
      .where('deletedAt', 'is', null)
      .where('id', 'in', [...ids])
      .execute();
    return new Set(rows.map((r) => r.id));
  }
}
