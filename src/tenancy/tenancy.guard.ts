import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ClsService } from 'nestjs-cls';
import { insufficientScope, keyNotAllowed, keyRefusal } from '../api-keys/api-key-secret.js';
import { KEY_SCOPE, type KeyScopeSpec, missingScope, requiredScopes } from '../api-keys/scopes.js';
import { ApiKeyVerifier } from '../auth/api-key.verifier.js';
import type { ApiKeyPrincipal, AuthUser } from '../auth/auth-user.js';
import { IS_PUBLIC } from '../auth/public.decorator.js';
import { DetailCode, ErrorCode, Forbidden, ValidationFailed } from '../common/errors.js';
import { isUuid } from '../common/uuid-param.pipe.js';
import { CLS_SCOPE, type RequestScope } from '../database/tenant-context.js';
import type { MemberRole } from '../generated/prisma/enums.js';
import { ProfileProvisioner } from '../profiles/profile-provisioner.service.js';
import { BILLING_EXEMPT } from './billing-exempt.decorator.js';
import { ROLES, WRITER_ROLES } from './roles.decorator.js';
import { ORG_HEADER } from './tenant-route.decorator.js';
import { USER_SCOPED } from './user-scoped.decorator.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

type KeyScope = NonNullable<RequestScope['apiKey']>;

/**
 * Runs after authentication: records who is asking, for which organization and
 * with which allowed roles in CLS. Membership itself is resolved by the database
 * in the first statement of the unit of work (TenantDb), not here.
 */
@Injectable()
export class TenancyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly cls: ClsService,
    private readonly profiles: ProfileProvisioner,
    private readonly apiKeys: ApiKeyVerifier,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user: AuthUser }>();
    const user = request.user;
    const userScoped = this.reflector.getAllAndOverride<boolean>(USER_SCOPED, targets) === true;
    if (user.apiKey) {
      if (userScoped) throw keyNotAllowed();
      const apiKey = this.checkKeyScope(user.apiKey, request.method, targets);
      return apiKey instanceof Promise
        ? apiKey.then((granted) => this.enter(request, targets, userScoped, granted))
        : this.enter(request, targets, userScoped, apiKey);
    }
    this.enter(request, targets, userScoped);
    // Supabase users get their profile row on their first authenticated request (a key's creator has one).
    // Answered without a promise once this server knows the profile: most requests.
    return this.profiles.isKnown(user.id) || this.profiles.ensure(user).then(() => true);
  }

  /** Records in CLS who asks, in which organization (as asked: the database decides), with which roles. */
  private enter(
    request: FastifyRequest & { user: AuthUser },
    targets: Parameters<Reflector['getAllAndOverride']>[1],
    userScoped: boolean,
    apiKey?: KeyScope,
  ): true {
    const user = request.user;
    const scope: RequestScope = { userId: user.id, email: user.email };
    if (apiKey) scope.apiKey = apiKey;
    if (!userScoped) {
      const header = request.headers[ORG_HEADER];
      if (header !== undefined) {
        if (typeof header !== 'string' || !isUuid(header)) {
          throw new ValidationFailed([
            { field: 'X-Organization-Id', message: 'must be a UUID', code: DetailCode.InvalidFormat },
          ]);
        }
        scope.requestedOrgId = header.toLowerCase();
      }
      scope.allowedRoles =
        this.reflector.getAllAndOverride<MemberRole[] | undefined>(ROLES, targets) ??
        (READ_METHODS.has(request.method) ? undefined : WRITER_ROLES);
      // What a write is, for billing, is decided here once: any method but a read's, unless the route is exempt.
      scope.billedWrite =
        !READ_METHODS.has(request.method) && !this.reflector.getAllAndOverride<boolean>(BILLING_EXEMPT, targets);
    }
    if (user.boundOrgId) {
      // A stream token was minted in one organization: naming another one is refused.
      if (scope.requestedOrgId && scope.requestedOrgId !== user.boundOrgId) {
        throw new Forbidden('This token is for another organization', ErrorCode.NotAMember);
      }
      scope.requestedOrgId = user.boundOrgId;
    }
    if (user.apiKey) {
      // A key acts in its own organization; naming another one is refused, not ignored.
      if (scope.requestedOrgId && scope.requestedOrgId !== user.apiKey.orgId) throw keyRefusal('OTHER_ORGANIZATION');
      scope.requestedOrgId = user.apiKey.orgId;
    }
    this.cls.set(CLS_SCOPE, scope);
    return true;
  }

  /**
   * The scope the route needs (its @KeyScope, or none: closed to keys), checked against the key's.
   * Granted at once when the key's looked-up scopes cover it; only a refusal waits for a fresh lookup.
   */
  private checkKeyScope(
    key: ApiKeyPrincipal,
    method: string,
    targets: Parameters<Reflector['getAllAndOverride']>[1],
  ): KeyScope | Promise<KeyScope> {
    const spec = this.reflector.getAllAndOverride<KeyScopeSpec | undefined>(KEY_SCOPE, targets);
    if (!spec) throw keyNotAllowed();
    const required = requiredScopes(spec, method);
    const granted: KeyScope = { id: key.id, hash: key.hash, scopes: required };
    if (!missingScope(key.scopes, required)) return granted;
    // A refusal is decided on the key as it is now: its scopes may have been widened since the lookup.
    return this.apiKeys.authenticate(key.secret, { fresh: true }).then(({ apiKey: now }) => {
      const missing = missingScope(now?.scopes ?? [], required);
      if (missing) throw insufficientScope(missing);
      return granted;
    });
  }
}
