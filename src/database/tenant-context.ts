import type { MemberRole } from '../generated/prisma/enums.js';

/** Who is acting, and in which organization, for the current unit of work. */
export interface TenantContext {
  userId?: string;
  orgId?: string;
  role?: MemberRole;
  /** The API key acting for userId, if one is. */
  apiKeyId?: string;
}

/** What the request asked for, stored by the tenancy guard before any query runs. */
export interface RequestScope {
  userId: string;
  email?: string;
  /** From X-Organization-Id; undefined → the user's only organization. */
  requestedOrgId?: string;
  /** Roles allowed to run this route's tenant work; undefined → any member. */
  allowedRoles?: readonly MemberRole[];
  /** An API key acts: its units of work open with app.begin_key_request, and `scopes` are checked again. */
  apiKey?: { id: string; hash: Buffer; scopes: readonly string[] };
  /**
   * The route writes and is not @BillingExempt: with billing on, its units of work answer 402
   * when the organization's access lapsed past its grace period (TenantDb reads the flag in
   * the statement that resolves the membership).
   */
  billedWrite?: boolean;
  /** A capture key acts (src/capture): its Idempotency-Keys are its own. */
  captureKeyId?: string;
}

export const CLS_SCOPE = Symbol('scope');
/** The request's id (x-request-id), recorded by each unit of work as app.request_id for the audit history. */
export const CLS_REQUEST_ID = Symbol('requestId');
export const CLS_TENANT = Symbol('tenant');
