import { Injectable } from '@nestjs/common';
import { TenantDb } from './tenant-db.js';

/**
 * Base of a feature's repository: its statements run in the open unit of work (db.tx, db.sql),
 * as the organization of that unit of work. Using one outside a unit of work throws.
 */
@Injectable()
export abstract class TenantRepository {
  constructor(protected readonly db: TenantDb) {}

  protected get orgId(): string {
    return this.db.orgId;
  }

  /** Row `id` of this organization: live (not soft-deleted), or with `deleted` soft-deleted (what restore looks for). */
  protected whereRow(id: string, deleted = false) {
    return { id, organizationId: this.orgId, deletedAt: deleted ? { not: null } : null };
  }
}
