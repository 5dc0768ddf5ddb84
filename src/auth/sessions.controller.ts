import { HttpStatus, Inject, Post } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/errors.js';
import { RateLimited } from '../common/rate-limited.decorator.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Endpoint } from '../http/endpoint.decorator.js';
import { UserController } from '../tenancy/tenant-route.decorator.js';
import type { AuthUser } from './auth-user.js';
import { CurrentUser } from './current-user.decorator.js';
import { SessionsService } from './sessions.service.js';

/** Signing out of the embedded auth (POST /v1/auth/refresh needs no access token: LocalAuthController). */
@UserController('auth')
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('logout')
  @RateLimited()
  @Endpoint({
    summary: 'Sign this session out: its refresh token and every access token of it stop working',
    description: 'Supabase Auth tokens have no session here (NOT_AN_EMBEDDED_SESSION): sign out through Supabase Auth.',
    ok: null,
    errors: [ErrorCode.NotAnEmbeddedSession, ErrorCode.LocalAuthDisabled],
  })
  logout(@CurrentUser() user: AuthUser): Promise<void> {
    this.ensureEnabled();
    if (!user.sessionId) {
      throw new DomainError(
        HttpStatus.BAD_REQUEST,
        ErrorCode.NotAnEmbeddedSession,
        'This access token is not a session of the embedded auth: sign out through Supabase Auth',
      );
    }
    return this.sessions.logout(user.id, user.sessionId);
  }

  @Post('logout-all')
  @RateLimited()
  @Endpoint({
    summary: 'Sign every session of your account out, this one included',
    ok: null,
    errors: [ErrorCode.LocalAuthDisabled],
  })
  async logoutAll(@CurrentUser() user: AuthUser): Promise<void> {
    this.ensureEnabled();
    await this.sessions.revokeAllSessions(user.id, 'LOGOUT_ALL');
  }

  private ensureEnabled(): void {
    if (!this.config.auth.localEnabled) {
      throw new DomainError(
        HttpStatus.NOT_FOUND,
        ErrorCode.LocalAuthDisabled,
        'Embedded auth is disabled: Supabase Auth signs sessions out',
      );
    }
  }
}
