import { LRUCache } from 'lru-cache';
import { bearerToken } from '../auth/bearer.js';
import { hashCaptureSecret } from './capture-keys.service.js';
import { CAPTURE_KEY_PREFIX } from './capture-key-secret.js';

/**
 * Capture keys found active lately, by the base64url of their hash, with their
 * rateLimitPerMinute: the rate limiter (which runs before any guard) counts a request with
 * such a key on a budget of its own per client IP. Any other key counts against the IP's
 * public budget, so a made-up key buys nothing.
 */
const known = new LRUCache<string, number>({ max: 100_000, ttl: 15 * 60_000 });

export function rememberCaptureKey(secret: string, perMinute: number): void {
  known.set(hashCaptureSecret(secret).toString('base64url'), perMinute);
}

/** The budget of a request's capture key, if the key was found active lately. */
export function knownCaptureKey(authorization: string | undefined): { id: string; perMinute: number } | undefined {
  const secret = bearerToken(authorization);
  if (!secret?.startsWith(CAPTURE_KEY_PREFIX)) return undefined;
  const id = hashCaptureSecret(secret).toString('base64url');
  const perMinute = known.get(id);
  return perMinute === undefined ? undefined : { id, perMinute };
}
