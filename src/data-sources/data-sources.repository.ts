import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { skipTake, type PageQuery } from '../common/pagination.js';
import { TenantRepository } from '../database/tenant-repository.js';
import type { DataSource, Prisma } from '../generated/prisma/client.js';

export type DataSourceRow = Omit<DataSource, 'organizationId'>;
const OMIT = { organizationId: true } as const;

/** data_sources: the organization's ADMINs and MANAGERs (RLS). Credentials are ciphertext here. */
@Injectable()
export class DataSourcesRepository extends TenantRepository {
  create(data: Omit<Prisma.DataSourceUncheckedCreateInput, 'organizationId'>): Promise<DataSourceRow> {
    return this.db.tx.dataSource.create({
      data: { ...data, organizationId: this.orgId, createdById: this.db.context.userId ?? null },
      omit: OMIT,
    });
  }

  list(query: PageQuery): Promise<[DataSourceRow[], number]> {
    const where = { organizationId: this.orgId };
    return Promise.all([
      this.db.tx.dataSource.findMany({
        where,
        omit: OMIT,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        ...skipTake(query),
      }),
      this.db.tx.dataSource.count({ where }),
    ]);
  }

  find(id: string): Promise<DataSourceRow | null> {
    return this.db.tx.dataSource.findFirst({ where: { id, organizationId: this.orgId }, omit: OMIT });
  }

  async update(id: string, data: Prisma.DataSourceUncheckedUpdateManyInput): Promise<DataSourceRow | null> {
    const [row] = await this.db.tx.dataSource.updateManyAndReturn({
      where: { id, organizationId: this.orgId },
      data: { ...data, updatedAt: new Date() },
      omit: OMIT,
    });
    return row ?? null;
  }

  async delete(id: string): Promise<boolean> {
    const { count } = await this.db.tx.dataSource.deleteMany({ where: { id, organizationId: this.orgId } });
    return count > 0;
  }

  /** A WEBHOOK source by id, across organizations (app.inbound_data_source): for the signed inbound route only. */
  async inbound(
    id: string,
  ): Promise<{ organizationId: string; target: string; settings: unknown; credentials: Uint8Array | null } | null> {
    const { rows } = await sql<{
      organizationId: string;
      target: string;
      settings: unknown;
      credentials: Uint8Array | null;
    }>`
      SELECT organization_id AS "organizationId", target, settings, credentials FROM app.inbound_data_source(${id}::uuid)`.execute(
      this.db.sql,
    );
    return rows[0] ?? null;
  }

  /** A finished import's numbers added to the source's metrics. */
  async recordRun(id: string, rows: number, failures: number, syncedUpTo: Date | null): Promise<void> {
    await this.db.sql
      .updateTable('data_sources')
      .set((eb) => ({
        lastRunAt: new Date(),
        rowsImported: eb('rowsImported', '+', BigInt(rows)),
        failures: eb('failures', '+', BigInt(failures)),
        ...(syncedUpTo && { lastSyncAt: syncedUpTo }),
      }))
      .where('organizationId', '=', this.orgId)
      .where('id', '=', id)
      .execute();
  }
}
