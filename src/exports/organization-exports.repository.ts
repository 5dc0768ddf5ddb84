import { Injectable } from '@nestjs/common';
import { cursorBatches } from '../database/cursor.js';
import type { DB } from '../database/schema.js';
import { TenantRepository } from '../database/tenant-repository.js';
import type { OrganizationExport, Prisma } from '../generated/prisma/client.js';
import type { ArchiveTable } from './archive-tables.js';

export type OrganizationExportRow = OrganizationExport;

/** organization_exports (migration 20261206130000): the organization's ADMINs' rows only (RLS). */
@Injectable()
export class OrganizationExportsRepository extends TenantRepository {
  create(createdById: string): Promise<OrganizationExportRow> {
    return this.db.tx.organizationExport.create({ data: { organizationId: this.orgId, createdById } });
  }

  find(id: string): Promise<OrganizationExportRow | null> {
    return this.db.tx.organizationExport.findFirst({ where: { id, organizationId: this.orgId } });
  }

  /** pending (or running, when the job is retried after a crash) → running; null when it is finished or gone. */
  async start(id: string): Promise<OrganizationExportRow | null> {
    const [row] = await this.db.tx.organizationExport.updateManyAndReturn({
      where: { id, organizationId: this.orgId, status: { in: ['pending', 'running'] } },
      data: { status: 'running', startedAt: new Date(), error: null },
    });
    return row ?? null;
  }

  async finish(id: string, outcome: Prisma.OrganizationExportUncheckedUpdateManyInput): Promise<void> {
    await this.db.tx.organizationExport.updateMany({
      where: { id, organizationId: this.orgId },
      data: { ...outcome, completedAt: new Date() },
    });
  }

  /**
   * One table's rows of this organization in batches, in id order (or the table's own), through a cursor (the
   * caller's snapshot unit of work makes every table of the archive one consistent state).
   */
  tableBatches(table: ArchiveTable): AsyncGenerator<Record<string, unknown>[]> {
    // The table is one of ARCHIVE_TABLES, each with organization_id and its orderBy column; the builder's
    // types are those of one such table (leads), since a name chosen at run time has none.
    const name = table.table as 'leads';
    const columns = table.columns as unknown as (keyof DB['leads'])[];
    return cursorBatches(
      this.db.sql,
      this.db.sql
        .selectFrom(name)
        .select(columns)
        .where('organizationId', '=', this.orgId)
        .orderBy((table.orderBy ?? 'id') as 'id'),
    ) as AsyncGenerator<Record<string, unknown>[]>;
  }
}
