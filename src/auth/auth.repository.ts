import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { TenantDb } from '../database/tenant-db.js';

@Injectable()
export class AuthRepository {
  constructor(private readonly db: TenantDb) {}

  createCredential(userId: string, email: string, passwordHash: string) {
    return this.db.tx.authCredential.create({ data: { userId, email, passwordHash } });
  }

  /** The current user's password hash (RLS: their own credential), or undefined for an account without one (Supabase Auth). */
  async passwordHashOf(userId: string): Promise<string | undefined> {
    const row = await this.db.sql
      .selectFrom('auth_credentials')
      .select('passwordHash')
      .where('userId', '=', userId)
      .executeTakeFirst();
    return row?.passwordHash;
  }

  /** Through a definer function: login runs before anyone is known. */
  credentialForLogin(email: string): Promise<{ userId: string; passwordHash: string } | undefined> {
    return this.db.sql
      .selectFrom(sql<{ userId: string; passwordHash: string }>`app.credential_for_login(${email})`.as('c'))
      .select(['c.userId', 'c.passwordHash'])
      .executeTakeFirst();
  }

  /** A verification link for the current user (they are the unit of work's user: RLS). */
  async insertVerification(userId: string, email: string, hash: Buffer, expiresAt: Date): Promise<void> {
    await this.db.sql
      .insertInto('email_verifications')
      .values({ tokenHash: new Uint8Array(hash), userId, email, expiresAt })
      .execute();
  }

  /** Seconds since the current user's newest verification link was made, or null when there is none. */
  async secondsSinceLastVerification(userId: string): Promise<number | null> {
    const { rows } = await sql<{ age: number | null }>`
      SELECT extract(epoch FROM now() - max(created_at))::float8 AS age FROM email_verifications WHERE user_id = ${userId}`.execute(
      this.db.sql,
    );
    return rows[0]?.age ?? null;
  }

  /** Drops the current user's unused links: a resend leaves one working link. */
  async deleteUnusedVerifications(userId: string): Promise<void> {
    await this.db.sql
      .deleteFrom('email_verifications')
      .where('userId', '=', userId)
      .where('usedAt', 'is', null)
      .execute();
  }

  /** Uses a verification link (app.verify_email): 'OK', 'NOT_FOUND', 'USED' or 'EXPIRED'. */
  async verifyEmail(hash: Buffer): Promise<string> {
    const { rows } = await sql<{ status: string }>`SELECT status FROM app.verify_email(${hash})`.execute(this.db.sql);
    return rows[0]?.status ?? 'NOT_FOUND';
  }

  /** Whether the current user's address is verified. */
  async currentEmailVerified(): Promise<boolean> {
    const { rows } = await sql<{ v: boolean | null }>`SELECT app.current_email_verified() AS v`.execute(this.db.sql);
    return rows[0]?.v === true;
  }

  /** The unit of work's user's own credential (RLS), for a password change. */
  ownCredential(userId: string): Promise<{ email: string; passwordHash: string } | undefined> {
    return this.db.sql
      .selectFrom('auth_credentials')
      .select(['email', 'passwordHash'])
      .where('userId', '=', userId)
      .executeTakeFirst();
  }

  /** Sets the unit of work's user's password hash (RLS: their own credential only). */
  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.db.sql.updateTable('auth_credentials').set({ passwordHash }).where('userId', '=', userId).execute();
  }

  /** A reset link for the unit of work's user, replacing their unused ones (one working link). */
  async replaceReset(userId: string, email: string, hash: Buffer, expiresAt: Date): Promise<void> {
    await this.db.sql.deleteFrom('password_resets').where('userId', '=', userId).where('usedAt', 'is', null).execute();
    await this.db.sql
      .insertInto('password_resets')
      .values({ tokenHash: new Uint8Array(hash), userId, email, expiresAt })
      .execute();
  }

  /** Uses a reset link (app.reset_password): 'OK' with the user, 'NOT_FOUND', 'USED' or 'EXPIRED'. */
  async resetPassword(hash: Buffer, passwordHash: string): Promise<{ status: string; userId: string | null }> {
    const { rows } = await sql<{ status: string; userId: string | null }>`
      SELECT status, user_id AS "userId" FROM app.reset_password(${hash}, ${passwordHash})`.execute(this.db.sql);
    return rows[0] ?? { status: 'NOT_FOUND', userId: null };
  }
}
