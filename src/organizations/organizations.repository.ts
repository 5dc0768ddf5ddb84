import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';
import type { ContactVisibility } from '../generated/prisma/enums.js';

@Injectable()
export class OrganizationsRepository {
  constructor(private readonly db: TenantDb) {}

  create(id: string, name: string) {
    return this.db.tx.organization.create({ data: { id, name } });
  }

  /** The user's memberships with their organizations (RLS: only their own), optionally of some organizations. */
  membershipsOf(userId: string, organizationId?: string | { in: string[] }) {
    return this.db.tx.membership.findMany({
      where: { userId, organizationId },
      include: { organization: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  update(
    id: string,
    data: { name?: string; auditRetentionDays?: number; timeZone?: string; contactVisibility?: ContactVisibility },
  ) {
    return this.db.tx.organization.update({ where: { id }, data });
  }
}
