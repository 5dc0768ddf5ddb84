import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { Conflict, ErrorCode } from '../common/errors.js';
import { TenantDb } from '../database/tenant-db.js';

@Injectable()
export class ProfilesRepository {
  constructor(private readonly db: TenantDb) {}

  /**
   * The profile of a user first seen by their token: a Supabase Auth user (embedded accounts
   * get theirs at sign-up). Supabase Auth confirms an address before it issues a session for
   * it (its default), and its access token carries no confirmation claim one could check
   * (user_metadata is editable by the user), so the address counts as verified
   * (docs/invitations.md). Another profile with the same address (case-insensitively;
   * profiles_email_key) gives it up when it is unverified and belongs to no organization
   * (app.release_unverified_email: someone signed up with the address first and never proved
   * it); otherwise the answer is 409 EMAIL_TAKEN, not a second profile.
   */
  async insertIfMissing(id: string, email: string): Promise<void> {
    if (await this.insertVerified(id, email)) return;
    const own = await this.db.sql.selectFrom('profiles').select('id').where('id', '=', id).executeTakeFirst();
    if (own) return;
    const { rows } = await sql<{
      released: boolean;
    }>`SELECT app.release_unverified_email(${email}) AS released`.execute(this.db.sql);
    if (!rows[0]?.released || !(await this.insertVerified(id, email))) {
      throw new Conflict('Another account already uses this email address', ErrorCode.EmailTaken);
    }
  }

  private async insertVerified(id: string, email: string): Promise<boolean> {
    const inserted = await this.db.sql
      .insertInto('profiles')
      .values({ id, email, emailVerifiedAt: email ? new Date() : null })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  create(id: string, email: string, fullName: string) {
    return this.db.tx.profile.create({ data: { id, email, fullName } });
  }

  findById(id: string) {
    return this.db.tx.profile.findUnique({ where: { id } });
  }

  /** The current user's memberships with their organizations (RLS shows only their own). */
  membershipsOf(userId: string) {
    return this.db.tx.membership.findMany({
      where: { userId },
      include: { organization: true },
      orderBy: { createdAt: 'asc' },
    });
  }
}
