import { Injectable } from '@nestjs/common';
import type { Summary } from '../common/summaries.js';
import { TenantDb } from '../database/tenant-db.js';
import type { SummaryKind } from './include-spec.js';

/**
 * Compact summaries of related records, read for `include=` (never written: each table stays
 * its feature's). One statement per call whatever the number of ids, in the unit of work's
 * transaction, so RLS decides what is visible: another organization's record, an AGENT's
 * view of a lead or deal not theirs, and soft-deleted records are simply not found.
 */
@Injectable()
export class SummariesRepository {
  constructor(private readonly db: TenantDb) {}

  async find(kind: SummaryKind, ids: string[]): Promise<Map<string, Summary>> {
    const rows = await this.rows(kind, ids);
    return new Map(rows.map((row) => [row.id, row]));
  }

  private rows(kind: SummaryKind, ids: string[]): Promise<Summary[]> {
    const tx = this.db.tx;
    const organizationId = this.db.orgId;
    const live = { organizationId, id: { in: ids }, deletedAt: null };
    switch (kind) {
      case 'person':
        // Members of this organization, and deleted accounts (anonymized: "Former member"); a
        // creator who has merely left is no one's to name here.
        return tx.profile.findMany({
          where: { id: { in: ids }, OR: [{ memberships: { some: { organizationId } } }, { deletedAt: { not: null } }] },
          select: { id: true, fullName: true },
        });
      case 'lead':
        return tx.lead.findMany({ where: live, select: { id: true, name: true } });
      case 'contact':
        return tx.contact.findMany({ where: live, select: { id: true, name: true } });
      case 'deal':
        return tx.deal.findMany({ where: live, select: { id: true, title: true } });
      case 'listing':
        return tx.listing.findMany({ where: live, select: { id: true, title: true } });
      case 'campaign':
        return tx.campaign.findMany({ where: live, select: { id: true, name: true } });
    }
  }
}
