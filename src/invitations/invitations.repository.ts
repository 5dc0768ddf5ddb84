import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { skipTake } from '../common/pagination.js';
import { TenantRepository } from '../database/tenant-repository.js';
import type { MemberRole } from '../generated/prisma/enums.js';
import type { ListInvitationsQuery } from './dto/invitation.input.js';

const open = { acceptedAt: null, revokedAt: null } as const;

/** The organization's invitations (RLS: its ADMINs and MANAGERs; a MANAGER's only AGENT and VIEWER ones). */
@Injectable()
export class InvitationsRepository extends TenantRepository {
  /** Open invitations (not accepted, not revoked; expired ones included), oldest first. */
  list(query: ListInvitationsQuery) {
    const where = { organizationId: this.orgId, ...open };
    return Promise.all([
      this.db.tx.invitation.findMany({ where, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], ...skipTake(query) }),
      this.db.tx.invitation.count({ where }),
    ]);
  }

  findOpen(id: string) {
    return this.db.tx.invitation.findFirst({ where: { id, organizationId: this.orgId, ...open } });
  }

  /** The latest expiry of this organization's invitations to the address, open or not: when it last sent one. */
  async latestExpiryFor(email: string): Promise<Date | null> {
    const { _max } = await this.db.tx.invitation.aggregate({
      where: { email, organizationId: this.orgId },
      _max: { expiresAt: true },
    });
    return _max.expiresAt;
  }

  findOpenByEmail(email: string) {
    return this.db.tx.invitation.findFirst({ where: { email, organizationId: this.orgId, ...open } });
  }

  /** The member of this organization whose account has this address (lower-case), if any. */
  async memberIdByEmail(email: string): Promise<string | undefined> {
    const row = await this.db.sql
      .selectFrom('memberships')
      .innerJoin('profiles', 'profiles.id', 'memberships.userId')
      .select('memberships.userId')
      .where('memberships.organizationId', '=', this.orgId)
      .where(sql<string>`lower(profiles.email)`, '=', email)
      .executeTakeFirst();
    return row?.userId;
  }

  create(email: string, role: MemberRole, tokenHash: Buffer, expiresAt: Date, invitedById: string) {
    return this.db.tx.invitation.create({
      data: { organizationId: this.orgId, email, role, tokenHash: new Uint8Array(tokenHash), expiresAt, invitedById },
    });
  }

  /**
   * A new link (the old hash is gone, so the old link is dead) and a new expiry, if the invitation
   * is still open when the row is written: an accept that commits first wins (undefined).
   */
  async rotate(id: string, tokenHash: Buffer, expiresAt: Date, readExpiry: Date) {
    const [row] = await this.db.tx.invitation.updateManyAndReturn({
      // Only the sending that was read: a concurrent resend changed the expiry (and the row's lock orders the two).
      where: { id, organizationId: this.orgId, ...open, expiresAt: readExpiry },
      data: { tokenHash: new Uint8Array(tokenHash), expiresAt },
    });
    return row;
  }

  /** Revokes the invitation if it is still open when the row is written (false: accepted or revoked meanwhile). */
  async revoke(id: string): Promise<boolean> {
    const { count } = await this.db.tx.invitation.updateMany({
      where: { id, organizationId: this.orgId, ...open },
      data: { revokedAt: new Date() },
    });
    return count === 1;
  }

  organizationName(): Promise<{ name: string } | null> {
    return this.db.tx.organization.findUnique({ where: { id: this.orgId }, select: { name: true } });
  }

  inviterName(userId: string): Promise<{ fullName: string | null } | null> {
    return this.db.tx.profile.findUnique({ where: { id: userId }, select: { fullName: true } });
  }
}
