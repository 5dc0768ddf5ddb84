import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';
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
    const row = await this.db.sql
      .selectFrom(table)
      .select('version')
      .where(tenant, '=', this.db.orgId)
      .where(key, '=', id)
      .forUpdate()
      .executeTakeFirst();
    return row?.version ?? null;
  }
}
