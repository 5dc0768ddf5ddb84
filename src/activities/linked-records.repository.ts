import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';

/** The records an activity, appointment or timeline hangs off. */
export type RecordKind = 'lead' | 'contact' | 'deal' | 'listing';

/**
 * Whether records exist, are live (not soft-deleted) and are visible to the caller in the
 * current organization. RLS decides visibility, so another organization's id (and, for an
 * AGENT, a lead or deal that is not theirs) is simply not found.
 */
@Injectable()
export class LinkedRecordsRepository {
  constructor(private readonly db: TenantDb) {}

  async isLive(kind: RecordKind, id: string): Promise<boolean> {
    const where = { id, organizationId: this.db.orgId, deletedAt: null };
    const select = { id: true };
    const tx = this.db.tx;
    switch (kind) {
      case 'lead':
        return (await tx.lead.findFirst({ where, select })) !== null;
      case 'contact':
        return (await tx.contact.findFirst({ where, select })) !== null;
      case 'deal':
        return (await tx.deal.findFirst({ where, select })) !== null;
      case 'listing':
        return (await tx.listing.findFirst({ where, select })) !== null;
    }
  }

  /** The ids among `ids` that are live, visible contacts. */
  async liveContactIds(ids: readonly string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await this.db.tx.contact.findMany({
      where: { id: { in: [...ids] }, organizationId: this.db.orgId, deletedAt: null },
      select: { id: true },
    });
    return new Set(rows.map((r) => r.id));
  }
}
