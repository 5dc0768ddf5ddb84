import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { API_KEY_PREFIX, hashSecret, isWellFormedSecret, keyRefusal } from '../api-keys/api-key-secret.js';
import { TenantDb } from '../database/tenant-db.js';
import type { ApiKeyPrincipal, AuthUser } from './auth-user.js';
import { bearerToken } from './bearer.js';

/** How long an active key's lookup is reused by the guards. The database checks it again in every unit of work. */
const LOOKUP_TTL_MS = 30_000;

/**
 * Active keys looked up lately, by the secret itself, with the name of their rate-limit budget
 * (the base64url of their hash): a request with a key seen in the last LOOKUP_TTL_MS costs a map
 * lookup, not a SHA-256 (hashing it, in the guard and again in the rate limiter, was ≈ 35 µs of a
 * key's `get`). The cached principal holds the secret for that long in any case. Refusals are
 * never cached: they are looked up again.
 */
const active = new LRUCache<string, { user: AuthUser; budget: string }>({ max: 10_000, ttl: LOOKUP_TTL_MS });

/**
 * Keys found active in the last KNOWN_TTL_MS, by the base64url of their hash (not the secret:
 * it is not kept that long): the rate limiter counts their requests on their own budget. Much
 * longer than LOOKUP_TTL_MS, so a busy key does not fall back to its IP address's budget every
 * time its lookup expires. lru-cache reserves room for `max` entries up front.
 */
const KNOWN_TTL_MS = 15 * 60_000;
const known = new LRUCache<string, true>({ max: 20_000, ttl: KNOWN_TTL_MS });

/**
 * The hash (base64url) of the API key a request carries, if that key was found active
 * in the last KNOWN_TTL_MS: lets the rate limiter, which runs before authentication, count the request
 * against the key. Any other key counts against the client's IP address.
 */
export function knownApiKey(authorization: string | undefined): string | undefined {
  const secret = bearerToken(authorization);
  if (!secret?.startsWith(API_KEY_PREFIX)) return undefined;
  const hot = active.get(secret);
  if (hot) return hot.budget;
  const id = hashSecret(secret).toString('base64url');
  return known.has(id) ? id : undefined;
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

  /**
   * The principal of an active key looked up in the last LOOKUP_TTL_MS, or undefined: lets the guard
   * answer most key requests without a promise, as it does a known JWT (docs/performance.md).
   */
  recent(secret: string): AuthUser | undefined {
    return active.get(secret)?.user;
  }

  async authenticate(secret: string, options: { fresh?: boolean } = {}): Promise<AuthUser> {
    const cached = options.fresh ? undefined : this.recent(secret);
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
    const budget = hash.toString('base64url');
    active.set(secret, { user, budget });
    known.set(budget, true);
    return user;
  }
}
