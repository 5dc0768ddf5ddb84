import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { skipTake } from '../common/pagination.js';
import { TenantRepository } from '../database/tenant-repository.js';
import type { MemberRole } from '../generated/prisma/enums.js';
import type { ListMembersQuery } from './dto/list-members.query.js';

const withProfile = { profile: { select: { email: true, fullName: true } } } as const;

@Injectable()
export class MembersRepository extends TenantRepository {
  list(query: ListMembersQuery) {
    const where = { organizationId: this.orgId, ...(query.ids?.length && { userId: { in: query.ids } }) };
    return Promise.all([
      this.db.tx.membership.findMany({
        where,
        include: withProfile,
        orderBy: [{ createdAt: 'asc' }, { userId: 'asc' }],
        ...skipTake(query),
      }),
      this.db.tx.membership.count({ where }),
    ]);
  }

  find(userId: string) {
    return this.db.tx.membership.findUnique({
      where: { organizationId_userId: { organizationId: this.orgId, userId } },
      include: withProfile,
    });
  }

  /** The account with this address and whether it is verified (app.member_candidate_by_email: ADMINs only). */
  async accountByEmail(email: string): Promise<{ id: string; verified: boolean } | undefined> {
    const { rows } = await sql<{ id: string; verified: boolean }>`
      SELECT id, verified FROM app.member_candidate_by_email(${email})`.execute(this.db.sql);
    return rows[0];
  }

  create(userId: string, role: MemberRole) {
    return this.db.tx.membership.create({ data: { organizationId: this.orgId, userId, role }, include: withProfile });
  }

  updateRole(userId: string, role: MemberRole) {
    return this.db.tx.membership.update({
      where: { organizationId_userId: { organizationId: this.orgId, userId } },
      data: { role },
      include: withProfile,
    });
  }

  delete(userId: string) {
    return this.db.tx.membership.delete({ where: { organizationId_userId: { organizationId: this.orgId, userId } } });
  }

  /** The organization's ADMINs (whom the system tells about the organization's integrations). */
  async adminIds(): Promise<string[]> {
    const rows = await this.db.sql
      .selectFrom('memberships')
      .select('userId')
      .where('organizationId', '=', this.orgId)
      .where('role', '=', 'ADMIN')
      .execute();
    return rows.map((r) => r.userId);
  }

  /** Locks the organization's ADMIN rows so two concurrent demotions cannot both pass the last-admin check. */
  async lockAdmins(): Promise<string[]> {
    const rows = await this.db.sql
      .selectFrom('memberships')
      .select('userId')
      .where('organizationId', '=', this.orgId)
      .where('role', '=', 'ADMIN')
      .forUpdate()
      .execute();
    return rows.map((r) => r.userId);
  }
}
