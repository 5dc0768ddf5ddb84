import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { Conflict, ErrorCode, Unauthorized } from '../common/errors.js';
import { TenantDb } from '../database/tenant-db.js';

/** What PATCH /v1/me may change. */
export interface ProfileChanges {
  fullName?: string | null;
  phone?: string | null;
  timeZone?: string | null;
  locale?: string | null;
}

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
    const own = await this.db.sql
      .selectFrom('profiles')
      .select(['id', 'deletedAt'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (own?.deletedAt) throw new Unauthorized('This account was deleted', ErrorCode.AccountDeleted);
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

  /** The current user's live profile (RLS: their own), or null once the account is deleted. */
  findLive(id: string) {
    return this.db.tx.profile.findFirst({ where: { id, deletedAt: null } });
  }

  update(id: string, data: ProfileChanges) {
    return this.db.tx.profile.update({ where: { id }, data });
  }

  /** Sets or clears the avatar's storage key; resolves with the key it replaces (locked: a concurrent upload waits). */
  async replaceAvatar(id: string, avatarPath: string | null): Promise<string | null> {
    const before = await this.db.sql
      .selectFrom('profiles')
      .select('avatarPath')
      .where('id', '=', id)
      .where('deletedAt', 'is', null)
      .forUpdate()
      .executeTakeFirst();
    if (!before) return null;
    await this.db.sql.updateTable('profiles').set({ avatarPath }).where('id', '=', id).execute();
    return before.avatarPath;
  }

  /**
   * Deletes the current user's account (app.close_account: leaves every organization, drops the
   * credential and verification links, anonymizes the profile). 'LAST_ADMIN' names the
   * organization that keeps it from happening.
   */
  async closeAccount(): Promise<{
    status: 'OK' | 'NOT_FOUND' | 'LAST_ADMIN';
    organizationId: string | null;
    avatarPath: string | null;
  }> {
    const { rows } = await sql<{
      status: 'OK' | 'NOT_FOUND' | 'LAST_ADMIN';
      organizationId: string | null;
      avatarPath: string | null;
    }>`
      SELECT status, organization_id AS "organizationId", avatar_path AS "avatarPath" FROM app.close_account()`.execute(
      this.db.sql,
    );
    return rows[0] ?? { status: 'NOT_FOUND', organizationId: null, avatarPath: null };
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
