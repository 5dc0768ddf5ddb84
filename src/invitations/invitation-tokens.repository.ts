import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { TenantDb } from '../database/tenant-db.js';
import type { MemberRole } from '../generated/prisma/enums.js';

/** What app.accept_invitation and app.claim_invited_email answer (migration 20261206240000_invitations). */
export type InvitationTokenStatus =
  'OK' | 'NOT_FOUND' | 'REVOKED' | 'USED' | 'EXPIRED' | 'EMAIL_MISMATCH' | 'ALREADY_MEMBER' | 'EMAIL_TAKEN';

/**
 * An invitation looked up by its link's token, before the person belongs to the organization:
 * only through the definer functions, which answer a status and nothing of the invitation.
 */
@Injectable()
export class InvitationTokensRepository {
  constructor(private readonly db: TenantDb) {}

  /** Accepts for the unit of work's user: a membership with the invited role, the address verified. */
  async accept(
    hash: Buffer,
  ): Promise<{ status: InvitationTokenStatus; organizationId: string | null; role: MemberRole | null }> {
    const { rows } = await sql<{
      status: InvitationTokenStatus;
      organizationId: string | null;
      role: MemberRole | null;
    }>`
      SELECT status, organization_id AS "organizationId", role FROM app.accept_invitation(${hash})`.execute(
      this.db.sql,
    );
    return rows[0] ?? { status: 'NOT_FOUND', organizationId: null, role: null };
  }

  /** Before a sign-up through the invitation: frees the address from an unverified account holding it. */
  async claimEmail(hash: Buffer, email: string): Promise<InvitationTokenStatus> {
    const { rows } = await sql<{ status: InvitationTokenStatus }>`
      SELECT app.claim_invited_email(${hash}, ${email}) AS status`.execute(this.db.sql);
    return rows[0]?.status ?? 'NOT_FOUND';
  }
}
