import { createHash } from 'node:crypto';
import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClsService } from 'nestjs-cls';
import { from, type Observable } from 'rxjs';
import type { AuthUser } from '../auth/auth-user.js';
import { mapError } from '../common/error-mapper.js';
import { Conflict, DetailCode, ErrorCode, ValidationFailed } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { CLS_HOOKS, requestHooks, TenantDb } from '../database/tenant-db.js';
import { CLS_SCOPE, type RequestScope } from '../database/tenant-context.js';
import { BusinessRuleViolation } from '../common/errors.js';
import { IdempotencyRepository, type KeyRef } from './idempotency.repository.js';
import { SHOWS_SECRET } from './shows-secret.decorator.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';

// Printable ASCII without spaces at the ends: a UUID, a ULID, or any client's own scheme.
const KEY = /^[\x21-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?$/;

/** Outcomes a retry must see again (the handler ran and decided); anything else frees the key. */
const REPLAYABLE_ERRORS = new Set([409, 422]);

/**
 * Idempotency keys on POST (Stripe's semantics; IETF draft-ietf-httpapi-idempotency-key-header):
 * the same key with the same request within 24 hours replays the first response with
 * `Idempotent-Replayed: true` and writes nothing; the same key with another request is
 * 422 IDEMPOTENCY_KEY_REUSED; while the first is still running, 409 IDEMPOTENCY_KEY_IN_USE.
 * Keys belong to the user and the organization the request names.
 *
 * The key is claimed in a short transaction of its own; the response is recorded in the
 * route's own transaction (TenantDb's beforeCommit hook), so the change and its record
 * commit or roll back together, and written again afterwards only if the route's result
 * was not that transaction's.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);

  constructor(
    private readonly db: TenantDb,
    private readonly cls: ClsService,
    private readonly keys: IdempotencyRepository,
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { user?: AuthUser }>();
    const header = request.headers[IDEMPOTENCY_HEADER];
    if (request.method !== 'POST' || header === undefined || !request.user || request.isMultipart()) {
      return next.handle();
    }
    if (this.reflector.get<boolean | undefined>(SHOWS_SECRET, context.getHandler())) {
      throw new ValidationFailed([
        {
          field: 'Idempotency-Key',
          message: 'is not accepted here: the answer shows a secret once, and a replay would have to store it',
          code: DetailCode.NotAllowed,
        },
      ]);
    }
    return from(this.run(request, http.getResponse<FastifyReply>(), header, next));
  }

  private async run(request: FastifyRequest, reply: FastifyReply, header: string | string[], next: CallHandler) {
    if (typeof header !== 'string' || !KEY.test(header)) {
      throw new ValidationFailed([
        {
          field: 'Idempotency-Key',
          message: 'must be 1–255 printable ASCII characters (a UUID is a good choice)',
          code: DetailCode.InvalidFormat,
        },
      ]);
    }
    const scope = this.cls.get<RequestScope | undefined>(CLS_SCOPE);
    // An API key's (or a capture key's) keys are its own, apart from its creator's and from the creator's other keys.
    const org = scope?.requestedOrgId ?? '';
    const owner = scope?.apiKey
      ? `${org}:key:${scope.apiKey.id}`
      : scope?.captureKeyId
        ? `${org}:capture:${scope.captureKeyId}`
        : org;
    const ref: KeyRef = { scope: owner, key: header };
    const hash = createHash('sha256')
      .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    const lockSeconds = Math.ceil(this.config.database.txTimeoutMs / 1000) + 30;
    const claim = await this.db.runAsUser(() => this.keys.claim(ref, hash, lockSeconds));
    switch (claim.state) {
      case 'reused':
        throw new BusinessRuleViolation(
          'This Idempotency-Key was used for a different request; use a new key for a new request',
          ErrorCode.IdempotencyKeyReused,
        );
      case 'inProgress':
        throw keyInUse(claim.lockedUntil);
      case 'completed':
        void reply.status(claim.status).header(REPLAYED_HEADER, 'true');
        return claim.body === '' ? undefined : (JSON.parse(claim.body) as unknown);
    }
    return this.execute(request, reply, ref, next);
  }

  /** Runs the route with the key claimed, recording its outcome. */
  private async execute(request: FastifyRequest, reply: FastifyReply, ref: KeyRef, next: CallHandler) {
    let recorded: { result: unknown } | undefined;
    const hooks = requestHooks(this.cls);
    hooks.beforeCommit = async (result) => {
      await this.keys.complete(ref, reply.statusCode, serialize(result));
      recorded = { result };
    };
    let result: unknown;
    try {
      result = await new Promise((resolve, reject) => next.handle().subscribe({ next: resolve, error: reject }));
    } catch (error) {
      this.cls.set(CLS_HOOKS, undefined);
      const mapped = mapError(error);
      const replayable = REPLAYABLE_ERRORS.has(mapped.statusCode);
      await this.db
        .runAsUser(async () => {
          if (!replayable) return this.keys.release(ref);
          const { unexpected: _u, headers: _h, ...body } = mapped;
          return this.keys.complete(ref, mapped.statusCode, JSON.stringify({ ...body, requestId: request.id }));
        })
        .catch((e: unknown) => this.logger.warn({ err: e }, 'Could not record the outcome of an idempotent request'));
      throw error;
    }
    this.cls.set(CLS_HOOKS, undefined);
    // The route's result came out of a transaction that recorded it; anything else is recorded now.
    if (!recorded || recorded.result !== result) {
      await this.db.runAsUser(() => this.keys.complete(ref, reply.statusCode, serialize(result)));
    }
    return result;
  }
}

/**
 * 409 for a key another request holds, with Retry-After: when that request will have ended, or
 * when its claim lapses if its end could not be recorded (the database went away meanwhile).
 */
function keyInUse(lockedUntil: Date | null): Conflict {
  const error = new Conflict(
    'A request with this Idempotency-Key is still being processed; retry after it completes',
    ErrorCode.IdempotencyKeyInUse,
  );
  const seconds = lockedUntil ? Math.ceil((lockedUntil.getTime() - Date.now()) / 1000) : 1;
  error.headers = { 'retry-after': String(Math.max(1, seconds)) };
  return error;
}

const serialize = (result: unknown): string => (result === undefined ? '' : JSON.stringify(result));
