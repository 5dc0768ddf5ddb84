import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';
import type { MemberRole } from '../generated/prisma/enums.js';

@Injectable()
export class AssigneesRepository {
  constructor(private readonly db: TenantDb) {}

  /** The user's role in the current organization, or null when they are not a member. */
  async roleOf(userId: string): Promise<MemberRole | null> {
    const m = await this.db.tx.membership.findUnique({
      where: { organizationId_userId: { organizationId: this.db.orgId, userId } },
      select: { role: true },
    });
    return m?.role ?? null;
  }

  /** The members of the current organization among userIds. */
  async membersAmong(userIds: readonly string[]): Promise<Set<string>> {
    if (!userIds.length) return new Set();
    const rows = await this.db.tx.membership.findMany({
      where: { organizationId: this.db.orgId, userId: { in: [...userIds] } },
      select: { userId: true },
    });
    return new Set(rows.map((r) => r.userId));
  }

  /** A display name for the acting user (their profile is always visible to them). */
  async actorName(): Promise<string | null> {
    const p = await this.db.tx.profile.findUnique({
      where: { id: this.db.userId },
      select: { fullName: true, email: true },
    });
    return p ? (p.fullName ?? p.email) : null;
  }
}
