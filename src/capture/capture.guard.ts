import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ClsService } from 'nestjs-cls';
import { API_KEY_PREFIX, insufficientScope } from '../api-keys/api-key-secret.js';
import { missingScope } from '../api-keys/scopes.js';
import { ApiKeyVerifier } from '../auth/api-key.verifier.js';
import type { AuthUser } from '../auth/auth-user.js';
import { bearerToken } from '../auth/bearer.js';
import { ErrorCode, Forbidden, Unauthorized } from '../common/errors.js';
import { CLS_SCOPE, type RequestScope } from '../database/tenant-context.js';
import { WRITER_ROLES } from '../tenancy/roles.decorator.js';
import { CAPTURE_KEY_PREFIX, captureKeyRefusal, isCaptureSecret } from './capture-key-secret.js';
import { CaptureKeysService } from './capture-keys.service.js';
import { CLS_CAPTURE, type CapturePrincipal } from './capture-principal.js';
import { rememberCaptureKey } from './capture-rate-limit.js';

const CAPTURE_SCOPE = 'leads:write';

/**
 * The capture routes' own authentication (they are @Public to the global guards): a capture
 * key (`bcrm_pk_…`, from its allowedOrigins or with no Origin at all), or an integration API
 * key with leads:write. Member tokens are refused: members use POST /v1/leads.
 */
@Injectable()
export class CaptureGuard implements CanActivate {
  constructor(
    private readonly cls: ClsService,
    private readonly captureKeys: CaptureKeysService,
    private readonly apiKeys: ApiKeyVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    const token = bearerToken(request.headers.authorization);
    if (token?.startsWith(CAPTURE_KEY_PREFIX)) return this.withCaptureKey(request, token);
    if (token?.startsWith(API_KEY_PREFIX)) return this.withApiKey(request, token);
    throw new Unauthorized('Send a capture key (or an API key with leads:write) as Authorization: Bearer <key>');
  }

  private async withCaptureKey(request: FastifyRequest & { user?: AuthUser }, secret: string): Promise<boolean> {
    if (!isCaptureSecret(secret)) throw captureKeyRefusal('UNKNOWN');
    const key = await this.captureKeys.resolve(secret);
    if (!key) throw captureKeyRefusal('UNKNOWN');
    if (key.status !== 'ACTIVE' || !key.userId)
      throw captureKeyRefusal(key.status === 'ACTIVE' ? 'REVOKED' : key.status);
    rememberCaptureKey(secret, key.rateLimitPerMinute);
    // A browser always sends Origin on a cross-origin POST; a server sends none.
    const origin = request.headers.origin;
    if (origin !== undefined && !key.allowedOrigins.includes(origin)) {
      throw new Forbidden('This origin may not post with this capture key', ErrorCode.OriginNotAllowed);
    }
    // The key's Idempotency-Keys are its own (IdempotencyInterceptor), stored under its creator.
    request.user = { id: key.userId };
    const scope: RequestScope = { userId: key.userId, requestedOrgId: key.orgId, captureKeyId: key.keyId };
    this.cls.set(CLS_SCOPE, scope);
    const principal: CapturePrincipal = {
      kind: 'captureKey',
      keyId: key.keyId,
      orgId: key.orgId,
      userId: key.userId,
      campaignId: key.campaignId,
    };
    this.cls.set(CLS_CAPTURE, principal);
    return true;
  }

  private async withApiKey(request: FastifyRequest & { user?: AuthUser }, secret: string): Promise<boolean> {
    let user = await this.apiKeys.authenticate(secret);
    // A refusal is decided on the key as it is now (its scopes may have been widened).
    if (missingScope(user.apiKey?.scopes ?? [], [CAPTURE_SCOPE])) {
      user = await this.apiKeys.authenticate(secret, { fresh: true });
      if (missingScope(user.apiKey?.scopes ?? [], [CAPTURE_SCOPE])) throw insufficientScope(CAPTURE_SCOPE);
    }
    const key = user.apiKey;
    if (!key) throw new Unauthorized();
    request.user = user;
    const scope: RequestScope = {
      userId: user.id,
      requestedOrgId: key.orgId,
      allowedRoles: WRITER_ROLES,
      apiKey: { id: key.id, hash: key.hash, scopes: [CAPTURE_SCOPE] },
    };
    this.cls.set(CLS_SCOPE, scope);
    this.cls.set(CLS_CAPTURE, { kind: 'apiKey', orgId: key.orgId } satisfies CapturePrincipal);
    return true;
  }
}
