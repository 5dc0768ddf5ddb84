import { createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import jwt from 'jsonwebtoken';
import { LRUCache } from 'lru-cache';
import { ExtractJwt, type SecretOrKeyProvider, Strategy } from 'passport-jwt';
import { isUuid } from '../common/uuid-param.pipe.js';
import { APP_CONFIG, type AppConfig, LOCAL_TOKEN_ISSUER } from '../config/config.js';
import type { AuthUser } from './auth-user.js';
import { bearerToken } from './bearer.js';

type KeyCallback = (err: Error | null, key?: string | Buffer | KeyObject) => void;
type KeyProvider = (req: FastifyRequest, rawJwt: string, done: KeyCallback) => void;

// jwks-rsa hands back PEM text; parsing it is the costly part of an RS256/ES256 verify,
// so each PEM is parsed once. A JWKS holds a handful of keys; the bound is only a guard.
const publicKeys = new Map<string | Buffer | KeyObject, KeyObject>();
function publicKeyOf(pem: string | Buffer | KeyObject): KeyObject {
  if (pem instanceof KeyObject) return pem;
  let key = publicKeys.get(pem);
  if (!key) {
    if (publicKeys.size >= 32) publicKeys.clear();
    key = createPublicKey(pem);
    publicKeys.set(pem, key);
  }
  return key;
}

const bearer = ExtractJwt.fromAuthHeaderAsBearerToken();

/** How long a verified token is taken on trust: as long as jwks-rsa keeps a fetched key (cacheMaxAge). */
const JWKS_CACHE_MS = 10 * 60 * 1000;

/**
 * Tokens already verified, keyed by their exact text (signature included, so no other
 * token can hit an entry), each kept until its `exp` and at most JWKS_CACHE_MS: a key
 * removed from the JWKS is honoured no longer than jwks-rsa's own key cache honours it.
 * Verifying costs ≈ 5 % of a GET's CPU (two decodes, an HMAC or signature check,
 * passport); clients send the same token for many requests.
 */
const verified = new LRUCache<string, AuthUser>({ max: 10_000 });

/**
 * The user of a bearer token verified earlier and not expired since, without verifying it
 * again: lets the rate limiter, which runs before authentication, count a request against
 * its user. A token not seen yet counts against its IP address once.
 */
export function alreadyVerified(authorization: string | undefined): AuthUser | undefined {
  const token = bearerToken(authorization);
  return token ? verifiedUser(token) : undefined;
}

/** The user of a token verified earlier and not expired since (the cache above), else undefined. */
export const verifiedUser = (token: string): AuthUser | undefined => verified.get(token);

/**
 * Verifies Supabase Auth access tokens (HS256 with the project's JWT secret, or
 * RS256/ES256 through its JWKS) and tokens issued by the embedded auth (HS256).
 * The key is chosen from the token's alg and issuer, never the other way round,
 * so an HS256 token can't be verified with a public key; `alg: none` is refused.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const { supabaseUrl, supabaseJwtSecret, localJwtSecret, audience } = config.auth;
    // HS256 secrets as KeyObjects, made once: given a string, jsonwebtoken first tries to
    // parse it as a PEM public key and builds a KeyObject on every verify (measured at
    // ~10% of a lead list request's CPU; see docs/performance.md).
    const localKey = localJwtSecret ? createSecretKey(Buffer.from(localJwtSecret)) : undefined;
    const supabaseKey = supabaseJwtSecret ? createSecretKey(Buffer.from(supabaseJwtSecret)) : undefined;
    // jwks-rsa is imported at the first RS256/ES256 token: embedded-auth deployments never load it.
    let jwks: Promise<KeyProvider> | undefined;
    const jwksOf = (url: string): Promise<KeyProvider> =>
      (jwks ??= import('jwks-rsa').then(
        ({ passportJwtSecret }) =>
          passportJwtSecret({
            jwksUri: `${url}/auth/v1/.well-known/jwks.json`,
            cache: true,
            cacheMaxAge: JWKS_CACHE_MS,
            rateLimit: true,
            jwksRequestsPerMinute: 10,
          }) as unknown as KeyProvider,
      ));

    const provider: KeyProvider = (req, rawJwt, done) => {
      const decoded = jwt.decode(rawJwt, { complete: true });
      const alg = decoded?.header.alg;
      const iss = typeof decoded?.payload === 'object' ? decoded.payload.iss : undefined;
      if (alg === 'HS256') {
        const key = iss === LOCAL_TOKEN_ISSUER ? localKey : supabaseKey;
        return key ? done(null, key) : done(new Error('no key for this token'));
      }
      if ((alg === 'RS256' || alg === 'ES256') && supabaseUrl) {
        // Answered once, whatever throws after the import (a throw would otherwise be an
        // unhandled rejection, and the request would wait for an answer that never comes).
        let answered = false;
        const answer: typeof done = (err, key) => {
          if (answered) return;
          answered = true;
          done(err, key);
        };
        return void jwksOf(supabaseUrl)
          .then((keys) => keys(req, rawJwt, (err, pem) => (err || !pem ? answer(err) : answer(null, publicKeyOf(pem)))))
          .catch((error: unknown) => answer(error instanceof Error ? error : new Error(String(error))));
      }
      return done(new Error('unsupported token algorithm'));
    };

    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // passport-jwt hands the key to jsonwebtoken, which takes KeyObjects; its types predate them.
      secretOrKeyProvider: provider as unknown as SecretOrKeyProvider,
      algorithms: ['HS256', 'RS256', 'ES256'],
      audience,
      ignoreExpiration: false,
      passReqToCallback: true,
    });
  }

  /** A token verified before (and not expired since) skips verification; any other goes through passport-jwt. */
  override authenticate(...args: Parameters<Strategy['authenticate']>): void {
    const token = bearer(args[0]);
    const user = token ? verified.get(token) : undefined;
    if (user) return this.success(user, undefined);
    super.authenticate(...args);
  }

  validate(
    req: FastifyRequest,
    payload: { sub?: unknown; email?: unknown; exp?: unknown; nbf?: unknown; iss?: unknown; sid?: unknown },
  ): AuthUser | false {
    if (typeof payload.sub !== 'string' || !isUuid(payload.sub)) return false;
    // A token without an expiry would be valid forever: Supabase Auth and the embedded auth
    // always set one, so a token without it was minted by something else.
    if (typeof payload.exp !== 'number') return false;
    // The embedded auth's session (sid): JwtAuthGuard refuses the token once it is revoked,
    // cached here or not. Other issuers' sid claims (Supabase's) mean nothing to this API.
    const sid = payload.iss === LOCAL_TOKEN_ISSUER ? payload.sid : undefined;
    if (sid !== undefined && (typeof sid !== 'string' || !isUuid(sid))) return false;
    const user: AuthUser = {
      id: payload.sub.toLowerCase(),
      email: typeof payload.email === 'string' ? payload.email : undefined,
      ...(sid !== undefined && { sessionId: sid.toLowerCase() }),
    };
    const token = bearer(req as never);
    const ttl = Math.min(payload.exp * 1000 - Date.now(), JWKS_CACHE_MS);
    // Tokens not valid yet (nbf) are verified every time.
    if (token && ttl > 0 && payload.nbf === undefined) verified.set(token, user, { ttl });
    return user;
  }
}
