import type { MemberRole } from '../generated/prisma/enums.js';

/** An API key acting for its creator (src/api-keys): what the guards need before the database confirms it. */
export interface ApiKeyPrincipal {
  id: string;
  /** Kept only for this request, to look the key up again (never logged: the request logger writes no headers). */
  secret: string;
  /** SHA-256 of the secret: what app.begin_key_request looks the key up by. */
  hash: Buffer;
  orgId: string;
  role: MemberRole;
  scopes: readonly string[];
}

/** The verified identity behind a request (the JWT's `sub` and `email`, or an API key's creator). */
export interface AuthUser {
  id: string;
  email?: string;
  /** The embedded-auth session the access token belongs to (its `sid` claim); none for Supabase Auth tokens. */
  sessionId?: string;
  /** Set when an API key, not a member's token, authenticated the request. */
  apiKey?: ApiKeyPrincipal;
  /** A credential good in one organization only (a stream token): the request acts there. */
  boundOrgId?: string;
}
