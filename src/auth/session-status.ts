import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { Unauthorized, ErrorCode } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TenantDb } from '../database/tenant-db.js';
import type { AuthUser } from './auth-user.js';
import { SessionsRepository } from './sessions.repository.js';

interface Status {
  userId: string;
  open: boolean;
}

/**
 * Whether the session behind an embedded-auth access token (its `sid`) is still open, on
 * every request, from a per-process cache: an open session is read again after
 * SESSION_STATUS_CACHE_SECONDS, so a logout on another replica stops its tokens there
 * within that bound; this process's own revocations apply at once (markRevoked). A revoked
 * session stays revoked, so that answer is kept as long as any of its access tokens can live.
 * Tokens without a session (Supabase Auth's) are not looked at.
 */
@Injectable()
export class SessionStatus {
  private readonly cache = new LRUCache<string, Status>({ max: 50_000 });
  private readonly openTtlMs: number;
  private readonly revokedTtlMs: number;

  constructor(
    private readonly db: TenantDb,
    private readonly sessions: SessionsRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.openTtlMs = config.auth.sessionStatusCacheSeconds * 1000;
    this.revokedTtlMs = config.auth.tokenTtlSeconds * 1000;
  }

  /** Refuses (401 SESSION_REVOKED) an access token whose session was signed out. */
  async assertOpen(user: AuthUser): Promise<void> {
    const sessionId = user.sessionId;
    if (!sessionId) return;
    let status = this.openTtlMs > 0 ? this.cache.get(sessionId) : undefined;
    if (!status || status.userId !== user.id) {
      const open = await this.db.runTrusted({ userId: user.id }, () => this.sessions.isOpen(sessionId));
      status = { userId: user.id, open: open === true };
      this.remember(sessionId, status);
    }
    if (!status.open) {
      throw new Unauthorized('This session was signed out: sign in again', ErrorCode.SessionRevoked);
    }
  }

  /** Whether assertOpen would pass without a lookup: no session, or one this process knows is open. */
  knownOpen(user: AuthUser): boolean {
    if (!user.sessionId) return true;
    const status = this.openTtlMs > 0 ? this.cache.get(user.sessionId) : undefined;
    return status?.open === true && status.userId === user.id;
  }

  /** A session this process just started or refreshed: its first requests here need no lookup. */
  markOpen(userId: string, sessionId: string): void {
    if (this.cache.get(sessionId)?.open === false) return;
    this.remember(sessionId, { userId, open: true });
  }

  /** Sessions this process just revoked: their access tokens stop here at once. */
  markRevoked(userId: string, sessionIds: readonly string[]): void {
    for (const id of sessionIds) this.remember(id, { userId, open: false });
  }

  /** Every session of the user was revoked (a password reset): none of them is taken as open here any more. */
  markAllRevoked(userId: string): void {
    for (const [id, status] of this.cache.entries()) {
      if (status.userId === userId) this.remember(id, { userId, open: false });
    }
  }

  private remember(sessionId: string, status: Status): void {
    if (status.open && this.openTtlMs === 0) return;
    this.cache.set(sessionId, status, { ttl: status.open ? this.openTtlMs : this.revokedTtlMs });
  }
}
