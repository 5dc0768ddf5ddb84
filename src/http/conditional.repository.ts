import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';
import { Prisma } from '../generated/prisma/client.js';
import { VERSIONED, type VersionedResource } from './versioned.js';

@Injectable()
export class ConditionalRepository {
  constructor(private readonly db: TenantDb) {}

  /**
   * The record's version, locking its row until the unit of work ends, so the change the
   * route then makes applies to exactly that version; null when the caller cannot see it.
   */
  async lockVersion(resource: VersionedResource, id: string): Promise<number | null> {
    const { table, key, tenant } = VERSIONED[resource];
    const [row] = await this.db.sql.query<{ version: number }>(Prisma.sql`
      SELECT version FROM ${Prisma.raw(table)}
      WHERE ${Prisma.raw(tenant)} = ${this.db.orgId}::uuid AND ${Prisma.raw(key)} = ${id}::uuid
      FOR UPDATE`);
    return row?.version ?? null;
  }
}
