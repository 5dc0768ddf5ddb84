import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { TenantDb } from '../database/tenant-db.js';

/** Why a session ended (auth_sessions.revoked_reason). */
export type RevokeReason =
  'LOGOUT' | 'LOGOUT_ALL' | 'REFRESH_TOKEN_REUSED' | 'PASSWORD_RESET' | 'PASSWORD_CHANGED' | 'ACCOUNT_DELETED';

/** What app.rotate_refresh_token answers. */
export interface Rotation {
  status: 'OK' | 'NOT_FOUND' | 'REVOKED' | 'REUSED' | 'EXPIRED';
  userId: string | null;
  sessionId: string | null;
}

/** Sessions and refresh tokens of the embedded auth (migration 20261206260000). */
@Injectable()
export class SessionsRepository {
  constructor(private readonly db: TenantDb) {}

  /** A new session of the unit of work's user (RLS) with its first refresh token. */
  async create(userId: string, refreshHash: Buffer, expiresAt: Date): Promise<string> {
    const { id } = await this.db.sql
      .insertInto('auth_sessions')
      .values({ userId })
      .returning('id')
      .executeTakeFirstOrThrow();
    await this.db.sql
      .insertInto('refresh_tokens')
      .values({ tokenHash: new Uint8Array(refreshHash), sessionId: id, userId, expiresAt })
      .execute();
    return id;
  }

  /** Exchanges a refresh token for its successor in one locked statement (app.rotate_refresh_token). */
  async rotate(hash: Buffer, newHash: Buffer, expiresAt: Date): Promise<Rotation> {
    const { rows } = await sql<Rotation>`
      SELECT status, user_id AS "userId", session_id AS "sessionId"
        FROM app.rotate_refresh_token(${hash}, ${newHash}, ${expiresAt}::timestamptz)`.execute(this.db.sql);
    return rows[0] ?? { status: 'NOT_FOUND', userId: null, sessionId: null };
  }

  /**
   * Revokes the unit of work's user's sessions still open (RLS: their own only) and their
   * refresh tokens: one session, or all of them but `except`. Returns the ids revoked.
   */
  async revoke(
    reason: RevokeReason,
    which: { sessionId: string } | { userId: string; except?: string },
  ): Promise<string[]> {
    let query = this.db.sql
      .updateTable('auth_sessions')
      .set({ revokedAt: sql`now()`, revokedReason: reason })
      .where('revokedAt', 'is', null);
    if ('sessionId' in which) query = query.where('id', '=', which.sessionId);
    else {
      query = query.where('userId', '=', which.userId);
      if (which.except) query = query.where('id', '<>', which.except);
    }
    const ids = (await query.returning('id').execute()).map((r) => r.id);
    if (ids.length > 0) {
      await this.db.sql
        .updateTable('refresh_tokens')
        .set({ revokedAt: sql`now()` })
        .where('sessionId', 'in', ids)
        .where('revokedAt', 'is', null)
        .execute();
    }
    return ids;
  }

  /** Whether the session is open: true, false (revoked), undefined (none of the unit of work's user). */
  async isOpen(sessionId: string): Promise<boolean | undefined> {
    const row = await this.db.sql
      .selectFrom('auth_sessions')
      .select('revokedAt')
      .where('id', '=', sessionId)
      .executeTakeFirst();
    return row ? row.revokedAt === null : undefined;
  }

  /** Deletes spent, expired and long-revoked rows (app.purge_auth_sessions): the job runner's unit of work only. */
  async purge(limit: number): Promise<number> {
    const { rows } = await sql<{ n: string }>`SELECT app.purge_auth_sessions(${limit}) AS n`.execute(this.db.sql);
    return Number(rows[0]?.n ?? 0);
  }
}
