import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { API_KEY_PREFIX } from '../api-keys/api-key-secret.js';
import { Unauthorized } from '../common/errors.js';
import { EventsService } from '../events/events.service.js';
import { STREAM_TOKEN_AUTH } from '../events/stream-token-auth.decorator.js';
import { ApiKeyVerifier } from './api-key.verifier.js';
import type { AuthUser } from './auth-user.js';
import { bearerToken } from './bearer.js';
import { verifiedUser } from './jwt.strategy.js';
import { IS_PUBLIC } from './public.decorator.js';
import { SessionStatus } from './session-status.js';

/**
 * Global guard: every route needs a valid bearer token unless marked @Public(): a JWT
 * (Supabase Auth, or the embedded auth's, whose session must still be open: SessionStatus),
 * or an API key (`bcrm_…`, ApiKeyVerifier); on the event stream, a single-use stream token
 * as `?token=` instead (EventSource sends no headers).
 */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeyVerifier,
    private readonly streamTokens: EventsService,
    private readonly sessions: SessionStatus,
  ) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    const token = bearerToken(request.headers.authorization);
    const streamToken = (request.query as { token?: unknown } | undefined)?.token;
    if (
      !token &&
      typeof streamToken === 'string' &&
      this.reflector.get<boolean>(STREAM_TOKEN_AUTH, context.getHandler())
    ) {
      return this.streamTokens.redeemStreamToken(streamToken).then(({ userId, orgId }) => {
        request.user = { id: userId, boundOrgId: orgId };
        return true;
      });
    }
    if (token?.startsWith(API_KEY_PREFIX)) {
      const recent = this.apiKeys.recent(token);
      if (recent) {
        request.user = recent;
        return true;
      }
      return this.apiKeys.authenticate(token).then((user) => {
        request.user = user;
        return true;
      });
    }
    // Most requests: a token verified before and not expired since (the strategy's cache), whose
    // session, if it has one, this process knows is open. Answered at once, without passport's
    // per-request strategy object or a promise to wait on (docs/performance.md).
    const known = token ? verifiedUser(token) : undefined;
    if (known && this.sessions.knownOpen(known)) {
      request.user = known;
      return true;
    }
    return this.verifyJwt(context, request, known);
  }

  /** A JWT (unless already verified), then its embedded session, if it has one, still open. */
  private async verifyJwt(
    context: ExecutionContext,
    request: { user?: AuthUser },
    known: AuthUser | undefined,
  ): Promise<boolean> {
    if (known) request.user = known;
    else await (super.canActivate(context) as Promise<boolean>);
    if (request.user) await this.sessions.assertOpen(request.user);
    return true;
  }

  // One answer for every failure (expired, bad signature, wrong audience, none):
  // the client needs a new token either way, and the reason is not theirs to probe.
  override handleRequest<TUser>(err: unknown, user: TUser | false): TUser {
    if (err || !user) throw new Unauthorized();
    return user;
  }
}
