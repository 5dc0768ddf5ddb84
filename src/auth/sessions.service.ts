import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, Unauthorized } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { TenantDb } from '../database/tenant-db.js';
import { ProfilesRepository } from '../profiles/profiles.repository.js';
import type { SessionOutput } from './dto/session.output.js';
import { hashOneTimeToken, newOneTimeToken } from './one-time-token.js';
import { SessionStatus } from './session-status.js';
import { type RevokeReason, SessionsRepository } from './sessions.repository.js';
import { TokenService } from './token.service.js';

export interface SessionProfile {
  id: string;
  email: string;
  fullName: string | null;
  emailVerifiedAt: Date | null;
}

/** A refresh token that cannot be exchanged: why, as the client sees it. */
const REFUSALS = {
  NOT_FOUND: [ErrorCode.RefreshTokenInvalid, 'No such refresh token: sign in again'],
  EXPIRED: [ErrorCode.RefreshTokenExpired, 'The refresh token has expired: sign in again'],
  REVOKED: [ErrorCode.RefreshTokenRevoked, 'This session was signed out: sign in again'],
  REUSED: [ErrorCode.RefreshTokenReused, 'This refresh token was already used: the session is revoked, sign in again'],
} as const;

/**
 * Sessions of the embedded auth (docs/auth.md): each sign-in is a session whose id is the
 * access tokens' `sid`; its refresh tokens rotate on every use, and presenting a spent one
 * again revokes the session (someone else holds a copy). Revoking a session stops its
 * refresh tokens and, through SessionStatus, its access tokens.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly db: TenantDb,
    private readonly sessions: SessionsRepository,
    private readonly profiles: ProfilesRepository,
    private readonly tokens: TokenService,
    private readonly status: SessionStatus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Starts a session for the profile (signup, login): inside the caller's unit of work, as that user. */
  async start(profile: SessionProfile): Promise<SessionOutput> {
    const { token, hash } = newOneTimeToken();
    const sessionId = await this.sessions.create(profile.id, hash, this.refreshExpiry());
    return this.output(profile, sessionId, token);
  }

  /** POST /v1/auth/refresh: the token is spent, its successor and a new access token returned. */
  async refresh(refreshToken: string): Promise<SessionOutput> {
    const next = newOneTimeToken();
    const rotation = await this.db.runTrusted({}, () =>
      this.sessions.rotate(hashOneTimeToken(refreshToken), next.hash, this.refreshExpiry()),
    );
    // Refusals are answered after the commit: a reuse's revocation must stand.
    if (rotation.status !== 'OK' || !rotation.userId || !rotation.sessionId) {
      if (rotation.status === 'REUSED' && rotation.userId && rotation.sessionId) {
        this.status.markRevoked(rotation.userId, [rotation.sessionId]);
      }
      const [code, message] = REFUSALS[rotation.status === 'OK' ? 'NOT_FOUND' : rotation.status];
      throw new Unauthorized(message, code);
    }
    const { userId, sessionId } = rotation;
    const profile = await this.db.runTrusted({ userId }, () => this.profiles.findById(userId));
    if (!profile) throw new Unauthorized(REFUSALS.NOT_FOUND[1], REFUSALS.NOT_FOUND[0]);
    return this.output(profile, sessionId, next.token);
  }

  /** POST /v1/auth/logout: the caller's own session. */
  async logout(userId: string, sessionId: string): Promise<void> {
    const revoked = await this.db.runTrusted({ userId }, () => this.sessions.revoke('LOGOUT', { sessionId }));
    this.status.markRevoked(userId, revoked);
  }

  /**
   * Revokes every open session of the user (their refresh tokens and access tokens), or
   * every one but `except` (a password change keeps the caller's). For other features too
   * (DELETE /v1/me): call it outside any unit of work of the caller.
   */
  async revokeAllSessions(userId: string, reason: RevokeReason = 'LOGOUT_ALL', except?: string): Promise<number> {
    const revoked = await this.db.runTrusted({ userId }, () => this.sessions.revoke(reason, { userId, except }));
    this.status.markRevoked(userId, revoked);
    return revoked.length;
  }

  private refreshExpiry(): Date {
    return new Date(Date.now() + this.config.auth.refreshTtlSeconds * 1000);
  }

  private output(profile: SessionProfile, sessionId: string, refreshToken: string): SessionOutput {
    const { id, email, fullName } = profile;
    this.status.markOpen(id, sessionId);
    return {
      accessToken: this.tokens.issue(id, email, sessionId),
      tokenType: 'Bearer',
      expiresIn: this.tokens.ttlSeconds,
      refreshToken,
      refreshExpiresIn: this.config.auth.refreshTtlSeconds,
      user: { id, email, fullName, emailVerified: profile.emailVerifiedAt !== null },
    };
  }
}
