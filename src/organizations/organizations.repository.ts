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

  /** Sets or clears the logo's storage key (ADMINs: RLS); resolves with the key it replaces. */
  async replaceLogo(id: string, logoPath: string | null): Promise<string | null> {
    const before = await this.db.sql
      .selectFrom('organizations')
      .select('logoPath')
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    await this.db.sql.updateTable('organizations').set({ logoPath }).where('id', '=', id).execute();
    return before?.logoPath ?? null;
  }

  update(
    id: string,
    data: { name?: string; auditRetentionDays?: number; timeZone?: string; contactVisibility?: ContactVisibility },
  ) {
    return this.db.tx.organization.update({ where: { id }, data });
  }
}
