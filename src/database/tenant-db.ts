import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { type Compilable, type CompiledQuery, type RawBuilder, sql } from 'kysely';
import { ClsService } from 'nestjs-cls';
import { insufficientScope, keyRefusal, type KeyStatus } from '../api-keys/api-key-secret.js';
import { missingScope } from '../api-keys/scopes.js';
import { DomainError, ErrorCode, Forbidden } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { MemberRole } from '../generated/prisma/enums.js';
import { CLS_UOW, DatabaseService, type Lane } from './database.service.js';
import type { StatementResult } from './connection.js';
import { runCompiled, type Sql } from './sql.js';
import { CLS_REQUEST_ID, CLS_SCOPE, CLS_TENANT, type RequestScope, type TenantContext } from './tenant-context.js';
import type { Opening, TransactionMode, UnitOfWork } from './unit-of-work.js';

/**
 * The openings of a request's units of work, written out rather than compiled from Kysely's
 * sql tag on every request (the key's, two nested templates, cost ≈ 15 µs of a key's `get`;
 * docs/performance.md). $1 the user (a member) or the key's SHA-256 (a key), $2 the
 * organization asked for or null, $3 the request id. bench/baseline.mjs sends BEGIN_REQUEST's
 * very text.
 */
const BEGIN_REQUEST = 'SELECT org_id, member_role, membership_count FROM app.begin_request($1::uuid, $2::uuid, $3)';
/** BEGIN_REQUEST for a billed write: app.billing_writes_blocked() after the tenant is set. */
const BEGIN_BILLED_REQUEST =
  'SELECT r.org_id, r.member_role, r.membership_count, app.billing_writes_blocked() AS writes_blocked FROM app.begin_request($1::uuid, $2::uuid, $3) r';
const BEGIN_KEY_REQUEST =
  'SELECT org_id, member_role, key_status, scopes FROM app.begin_key_request($1, $2::uuid, $3, false)';
const BEGIN_BILLED_KEY_REQUEST =
  'SELECT k.org_id, k.member_role, k.key_status, k.scopes, (k.org_id IS NOT NULL AND app.billing_writes_blocked()) AS writes_blocked FROM app.begin_key_request($1, $2::uuid, $3, false) k';
/** The guards' lookup of a key: the whole answer, and its last use brought up to date. */
const LOOK_UP_KEY =
  'SELECT org_id, member_role, key_id, key_status, scopes, user_id FROM app.begin_key_request($1, $2::uuid, $3, true)';

/** Thrown when tenant data is reached without a tenant context: a programming error, never unfiltered data. */
export class MissingTenantContextError extends Error {
  override readonly name = 'MissingTenantContextError';
}

/**
 * What app.begin_key_request answers: the key's state, and for an ACTIVE key its tenant and
 * creator (key_id and user_id only to the guards' lookup: a unit of work does not ask).
 */
export interface KeyResolution {
  org_id: string | null;
  member_role: MemberRole | null;
  key_id?: string | null;
  key_status: KeyStatus;
  scopes: string[] | null;
  user_id?: string | null;
  writes_blocked?: boolean | null;
}

interface Resolution {
  org_id: string | null;
  member_role: MemberRole | null;
  membership_count: number;
  /** Only asked for a billed write with billing on (app.billing_writes_blocked). */
  writes_blocked?: boolean | null;
}

export interface OrgRunOptions {
  /** Roles allowed; defaults to the route's (RequestScope.allowedRoles). */
  roles?: readonly MemberRole[];
  /** Error when the user is not a member of the organization (default 403 NOT_A_MEMBER). */
  notMember?: () => Error;
  /** `snapshot`: a read-only transaction seeing one consistent state (unit-of-work.ts). */
  mode?: TransactionMode;
  /** Rolls back after this long instead of DATABASE_TX_TIMEOUT_MS (an export streaming many rows). */
  timeoutMs?: number;
}

/** How a unit of work is opened, for the few that are not a request's ordinary read-write work. */
export interface UnitOfWorkOptions {
  lane?: Lane;
  mode?: TransactionMode;
  timeoutMs?: number;
}

/**
 * The only way to tenant data. Each unit of work is one transaction whose first
 * statement (app.begin_request) switches to the runtime role crm_app, sets the
 * user and organization locally and resolves the member's role, so nothing can
 * leak to the next user of a pooled connection and a non-member sees nothing.
 */
@Injectable()
export class TenantDb {
  private readonly logger = new Logger(TenantDb.name);

  constructor(
    private readonly database: DatabaseService,
    private readonly cls: ClsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get<T>(key: symbol): T | undefined {
    return this.cls.isActive() ? (this.cls.get(key) as T | undefined) : undefined;
  }

  /** The resolved context of the open unit of work. */
  get context(): TenantContext {
    const ctx = this.get<TenantContext>(CLS_TENANT);
    if (!ctx) throw new MissingTenantContextError('No tenant context: call TenantDb.run()');
    return ctx;
  }

  /** The organization of the open unit of work. */
  get orgId(): string {
    const { orgId } = this.context;
    if (!orgId) throw new MissingTenantContextError('No organization in this unit of work');
    return orgId;
  }

  /** The acting user of the open unit of work. */
  get userId(): string {
    const { userId } = this.context;
    if (!userId) throw new MissingTenantContextError('No user in this unit of work');
    return userId;
  }

  /** The member's role in the open unit of work's organization. */
  get role(): MemberRole {
    const { role } = this.context;
    if (!role) throw new MissingTenantContextError('No member role in this unit of work');
    return role;
  }

  /** The request's id, '' outside a request (a CLI, a job): app.request_id of the unit of work. */
  private get requestId(): string {
    return this.get<string>(CLS_REQUEST_ID) ?? '';
  }

  private get scope(): RequestScope {
    const scope = this.get<RequestScope>(CLS_SCOPE);
    if (!scope?.userId) throw new MissingTenantContextError('No authenticated user in context');
    return scope;
  }

  /** Runs fn in the organization the request selected (X-Organization-Id or the only membership). */
  async run<T>(fn: () => Promise<T>, options: OrgRunOptions = {}): Promise<T> {
    const scope = this.scope;
    return this.inOrg(scope.userId, scope.requestedOrgId, fn, { roles: scope.allowedRoles, ...options });
  }

  /** Runs fn in an organization named by the route itself (e.g. PATCH /organizations/{id}). */
  async runInOrg<T>(orgId: string, fn: () => Promise<T>, options: OrgRunOptions = {}): Promise<T> {
    return this.inOrg(this.scope.userId, orgId, fn, options);
  }

  /** Runs fn as the current user with no organization (their profile and memberships only). */
  async runAsUser<T>(fn: () => Promise<T>): Promise<T> {
    const { userId } = this.scope;
    return this.transaction<T, unknown>(
      this.compiled(sql`SELECT set_config('role', 'crm_app', true), set_config('app.current_user_id', ${userId}, true),
          set_config('app.request_id', ${this.requestId}, true)`),
      () => ({ userId }),
      fn,
    );
  }

  /**
   * Runs fn under a context the caller vouches for, without a membership check:
   * sign-up (a user that does not exist yet), login (nobody), and creating an
   * organization (its creator is its first ADMIN).
   */
  async runTrusted<T>(ctx: TenantContext, fn: () => Promise<T>, lane?: Lane | UnitOfWorkOptions): Promise<T> {
    return this.transaction<T, unknown>(
      this.compiled(
        sql`SELECT set_config('role', 'crm_app', true),
          set_config('app.current_user_id', ${ctx.userId ?? ''}, true),
          set_config('app.current_org_id', ${ctx.orgId ?? ''}, true),
          set_config('app.current_role', ${ctx.role ?? ''}, true),
          set_config('app.request_id', ${this.requestId}, true)`,
      ),
      () => ctx,
      fn,
      typeof lane === 'string' ? { lane } : lane,
    );
  }

  /**
   * Runs `fn` once the open unit of work has committed, never when it rolls back: for work
   * outside the database that must follow the change, such as enqueuing the job that sends
   * an email the transaction wrote. Its failure is logged, not thrown (the change stands;
   * whatever it enqueues needs its own recovery, like the email outbox's sweep).
   */
  afterCommit(fn: () => Promise<unknown>): void {
    this.unitOfWork();
    const pending = this.get<AfterCommit[]>(CLS_AFTER_COMMIT);
    if (!pending) throw new MissingTenantContextError('afterCommit outside a TenantDb unit of work');
    pending.push(fn);
  }

  /** Prisma, inside the open unit of work's transaction: for ordinary CRUD and relations. */
  get tx(): PrismaClient {
    this.unitOfWork();
    return this.database.prisma;
  }

  /**
   * The typed SQL layer (sql.ts), inside the open unit of work's transaction: for every
   * statement Prisma's query API does not fit — hot paths, dynamic filters, locks,
   * aggregates. Same transaction, same tenant, same RLS as `tx`.
   */
  get sql(): Sql {
    this.unitOfWork();
    return this.database.sql;
  }

  /**
   * A statement (a query builder, or compiled: a StatementTemplates') run on the open unit
   * of work as `sql.executeQuery` runs it, without Kysely's connection provider around it: its
   * acquire, await and release of the one connection were ≈ 12 promises a statement, each paying
   * AsyncLocalStorage's hook (docs/performance.md). For the hot routes.
   */
  execute<R>(statement: Compilable<R> | CompiledQuery<R>): Promise<StatementResult<R>> {
    const uow = this.unitOfWork();
    return runCompiled<R>(uow, 'compile' in statement ? statement.compile() : statement);
  }

  private unitOfWork(): UnitOfWork {
    const uow = this.get<UnitOfWork>(CLS_UOW);
    if (!uow) throw new MissingTenantContextError('Repository used outside a TenantDb unit of work');
    return uow;
  }

  private inOrg<T>(
    userId: string,
    orgId: string | undefined,
    fn: () => Promise<T>,
    options: OrgRunOptions,
  ): Promise<T> {
    const scope = this.get<RequestScope>(CLS_SCOPE);
    const key = scope?.apiKey;
    const how = { mode: options.mode, timeoutMs: options.timeoutMs };
    const billed = this.billedWrite(scope, options);
    if (key) {
      return this.transaction<T, KeyResolution>(
        this.keyOpening(key.hash, orgId, false, billed),
        ([r]) => {
          const ctx = this.keyContext(r, key.id, userId, key.scopes, options);
          if (r?.writes_blocked) throw paymentRequired();
          return ctx;
        },
        fn,
        how,
      );
    }
    return this.transaction<T, Resolution>(
      { sql: billed ? BEGIN_BILLED_REQUEST : BEGIN_REQUEST, parameters: [userId, orgId ?? null, this.requestId] },
      ([r]) => {
        if (!r?.org_id || !r.member_role) {
          if (orgId)
            throw (
              options.notMember?.() ?? new Forbidden('You are not a member of this organization', ErrorCode.NotAMember)
            );
          if (r?.membership_count) {
            throw new DomainError(
              HttpStatus.BAD_REQUEST,
              ErrorCode.OrganizationRequired,
              'You belong to several organizations: choose one with the X-Organization-Id header',
            );
          }
          throw new Forbidden('You are not a member of any organization yet: create one first', ErrorCode.NotAMember);
        }
        if (options.roles && !options.roles.includes(r.member_role)) throw new Forbidden();
        if (r.writes_blocked) throw paymentRequired();
        return { userId, orgId: r.org_id, role: r.member_role };
      },
      fn,
      how,
    );
  }

  /**
   * Looks an API key up by the SHA-256 of its secret with the very statement its units of
   * work open with (and so brings its last use up to date): for the guards, before any.
   */
  async lookUpApiKey(hash: Buffer): Promise<KeyResolution | undefined> {
    let found: KeyResolution | undefined;
    await this.transaction(
      this.keyOpening(hash, undefined, true),
      ([r]: KeyResolution[]) => {
        found = r;
        return {};
      },
      () => Promise.resolve(),
    );
    return found;
  }

  /**
   * Whether this unit of work must check the organization's billing: the request is a billed
   * write (the tenancy guard decided), billing is on, and it is not a snapshot (read-only).
   * The check costs no statement: app.billing_writes_blocked() runs in the opening one, after
   * app.begin_request has set the tenant, as one primary-key lookup under RLS. Always fresh,
   * so a payment lifts the 402 on the next request, on every replica, with no cache to expire.
   */
  private billedWrite(scope: RequestScope | undefined, options: OrgRunOptions): boolean {
    return Boolean(this.config.billing.stripe && scope?.billedWrite && options.mode !== 'snapshot');
  }

  /**
   * The key's opening statement. A unit of work reads only what can change (status, lesser
   * role, scopes; its tenant to act in): the key's id and creator come from the guards' lookup
   * of the same hash, and a hash never names another key, nor a key another creator (crm_app
   * cannot UPDATE created_by_id). With `touch` (the guards' lookup only), the whole answer,
   * and the key's last use brought up to date, at most once a minute. Every argument is
   * written out: a defaulted one costs Postgres more to fill in than the call itself.
   */
  private keyOpening(hash: Buffer, orgId: string | undefined, touch: boolean, billed = false): Opening {
    const text = touch ? LOOK_UP_KEY : billed ? BEGIN_BILLED_KEY_REQUEST : BEGIN_KEY_REQUEST;
    return { sql: text, parameters: [hash, orgId ?? null, this.requestId] };
  }

  /**
   * An API key's context, from app.begin_key_request: it resolved the key again in the
   * statement that set the tenant, so a key revoked, expired or narrowed since the guards
   * looked is refused here; then the route's scope and roles, as for a member.
   */
  private keyContext(
    r: KeyResolution | undefined,
    keyId: string,
    userId: string,
    scopes: readonly string[],
    options: OrgRunOptions,
  ): TenantContext {
    if (!r || r.key_status !== 'ACTIVE' || !r.org_id || !r.member_role) {
      const status = r?.key_status && r.key_status !== 'ACTIVE' ? r.key_status : 'UNKNOWN';
      throw status === 'OTHER_ORGANIZATION' && options.notMember ? options.notMember() : keyRefusal(status);
    }
    const missing = missingScope(r.scopes ?? [], scopes);
    if (missing) throw insufficientScope(missing);
    if (options.roles && !options.roles.includes(r.member_role)) throw new Forbidden();
    return { userId, orgId: r.org_id, role: r.member_role, apiKeyId: keyId };
  }

  /**
   * Opens the transaction with `opening` as its first statement (sent with BEGIN in one
   * round trip where the driver allows it), makes the context from its rows, then runs fn
   * with the context in a child CLS scope; commits when fn resolves, rolls back when it
   * throws or outlives DATABASE_TX_TIMEOUT_MS.
   */
  private async transaction<T, R>(
    opening: Opening,
    context: (rows: R[]) => TenantContext,
    fn: () => Promise<T>,
    how: UnitOfWorkOptions = {},
  ): Promise<T> {
    // A nested unit of work joins the open transaction (same user, same organization).
    if (this.get<UnitOfWork>(CLS_UOW)) return fn();
    return this.cls.run({ ifNested: 'inherit' }, async () => {
      const { uow, rows } = await this.database.begin<R>(opening, how.lane, how.mode);
      const timer = setTimeout(() => void uow.timeOut(), how.timeoutMs ?? this.config.database.txTimeoutMs);
      try {
        const ctx = context(rows);
        const afterCommit: AfterCommit[] = [];
        this.cls.set(CLS_AFTER_COMMIT, afterCommit);
        this.cls.set(CLS_UOW, uow);
        this.cls.set(CLS_TENANT, ctx);
        const hooks = this.get<RequestHooks>(CLS_HOOKS);
        const onBegin = ctx.orgId ? hooks?.onBegin : undefined;
        if (hooks && onBegin) {
          hooks.onBegin = undefined;
          await onBegin();
        }
        const result = await fn();
        if (hooks?.beforeCommit) await hooks.beforeCommit(result);
        await uow.end(true);
        clearTimeout(timer);
        this.cls.set(CLS_UOW, undefined);
        for (const fn of afterCommit)
          await this.outsideRequestHooks(fn).catch((error: unknown) => this.afterCommitFailed(error));
        return result;
      } catch (error) {
        await uow.end(false).catch(() => undefined);
        throw error;
      } finally {
        clearTimeout(timer);
      }
    });
  }

  /**
   * Work after a commit (an enqueued job, on the embedded runner a unit of work of its own) is
   * not the request's: the request's hooks (the Idempotency-Key record, which needs the user)
   * must not run in its units of work.
   */
  private outsideRequestHooks(fn: AfterCommit): Promise<unknown> {
    return this.cls.run({ ifNested: 'inherit' }, () => {
      this.cls.set(CLS_HOOKS, undefined);
      return fn();
    });
  }

  /** An opening written with Kysely's sql tag: the units of work that are not a request's. */
  private compiled(raw: RawBuilder<unknown>): Opening {
    return raw.compile(this.database.sql);
  }

  private afterCommitFailed(error: unknown): void {
    this.logger.warn(`Work after a commit failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** 402: the organization's subscription lapsed past its grace period (docs/billing.md). */
const paymentRequired = (): DomainError =>
  new DomainError(
    HttpStatus.PAYMENT_REQUIRED,
    ErrorCode.PaymentRequired,
    "The organization's subscription has lapsed: an ADMIN can pay through POST /v1/billing/portal. Reads and exports still work.",
  );

type AfterCommit = () => Promise<unknown>;
const CLS_AFTER_COMMIT = Symbol('afterCommit');

/**
 * What the request (an interceptor) asks of its units of work, in CLS: `onBegin` runs once,
 * first thing in the request's first unit of work in an organization (an If-Match check,
 * under the row lock); `beforeCommit` runs with fn's result in every unit of work it opens,
 * just before COMMIT (the idempotency record, committed with the change it records).
 */
export interface RequestHooks {
  onBegin?: () => Promise<void>;
  beforeCommit?: (result: unknown) => Promise<void>;
}

export const CLS_HOOKS = Symbol('requestHooks');

/** The request's hooks, created on first use (interceptors add theirs before the handler runs). */
export function requestHooks(cls: ClsService): RequestHooks {
  let hooks = cls.get<RequestHooks | undefined>(CLS_HOOKS);
  if (!hooks) {
    hooks = {};
    cls.set(CLS_HOOKS, hooks);
  }
  return hooks;
}
