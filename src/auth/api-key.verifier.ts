import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { API_KEY_PREFIX, hashSecret, isWellFormedSecret, keyRefusal } from '../api-keys/api-key-secret.js';
import { TenantDb } from '../database/tenant-db.js';
import type { ApiKeyPrincipal, AuthUser } from './auth-user.js';
import { bearerToken } from './bearer.js';

/** How long an active key's lookup is reused by the guards. The database checks it again in every unit of work. */
const LOOKUP_TTL_MS = 30_000;

/**
 * Active keys looked up lately, by the secret itself: a request with a key seen lately costs a map
 * lookup, not a SHA-256 (hashing it, twice with the rate limiter, was ≈ 5 % of a key's `get` in a
 * CPU profile). The secret is held in memory either way, by the principal this cache keeps; it is
 * never a key of anything outside the process. Refusals are never cached: they are looked up again.
 */
const active = new LRUCache<string, AuthUser>({ max: 10_000, ttl: LOOKUP_TTL_MS });

/**
 * Keys found active in the last KNOWN_TTL_MS, by secret, with the base64url of their hash: the
 * rate limiter counts their requests on their own budget, named by the hash (never the secret).
 * Much longer than LOOKUP_TTL_MS, so a busy key does not fall back to its IP address's budget
 * every time its lookup expires. lru-cache reserves room for `max` entries up front.
 */
const KNOWN_TTL_MS = 15 * 60_000;
const known = new LRUCache<string, string>({ max: 20_000, ttl: KNOWN_TTL_MS });

/**
 * The hash (base64url) of the API key a request carries, if that key was found active
 * in the last KNOWN_TTL_MS: lets the rate limiter, which runs before authentication, count the request
 * against the key. Any other key counts against the client's IP address.
 */
export function knownApiKey(authorization: string | undefined): string | undefined {
  const secret = bearerToken(authorization);
  return secret?.startsWith(API_KEY_PREFIX) ? known.get(secret) : undefined;
}

/**
 * Authenticates `Authorization: Bearer bcrm_…`: the secret's SHA-256 is looked up with
 * app.begin_key_request (TenantDb.lookUpApiKey), so the guards can refuse an unknown, expired or revoked key, or a
 * missing scope, before a body is read. An active key's lookup is reused for
 * LOOKUP_TTL_MS, but never to grant anything: each unit of work opens with
 * app.begin_key_request, which resolves the key again in the statement that sets the
 * tenant, so a revocation or narrower scopes apply to the very next request. A refusal
 * is always decided on a fresh lookup, so wider scopes apply at once too.
 */
@Injectable()
export class ApiKeyVerifier {
  constructor(private readonly db: TenantDb) {}

  async authenticate(secret: string, options: { fresh?: boolean } = {}): Promise<AuthUser> {
    const cached = options.fresh ? undefined : active.get(secret);
    if (cached) return cached;
    active.delete(secret);
    if (!isWellFormedSecret(secret)) throw keyRefusal('UNKNOWN');
    const hash = hashSecret(secret);
    const resolved = await this.db.lookUpApiKey(hash);
    if (resolved && resolved.key_status !== 'ACTIVE') throw keyRefusal(resolved.key_status);
    if (!resolved?.key_id || !resolved.org_id || !resolved.member_role || !resolved.user_id) {
      throw keyRefusal('UNKNOWN');
    }
    const apiKey: ApiKeyPrincipal = {
      id: resolved.key_id,
      secret,
      hash,
      orgId: resolved.org_id,
      role: resolved.member_role,
      scopes: resolved.scopes ?? [],
    };
    const user: AuthUser = { id: resolved.user_id, apiKey };
    active.set(secret, user);
    known.set(secret, hash.toString('base64url'));
    return user;
  }
}
