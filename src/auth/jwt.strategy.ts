import { createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import jwt from 'jsonwebtoken';
import { passportJwtSecret } from 'jwks-rsa';
import { ExtractJwt, type SecretOrKeyProvider, Strategy } from 'passport-jwt';
import { isUuid } from '../common/uuid-param.pipe.js';
import { APP_CONFIG, type AppConfig, LOCAL_TOKEN_ISSUER } from '../config/config.js';
import type { AuthUser } from './auth-user.js';

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
    const jwks: KeyProvider | undefined = supabaseUrl
      ? (passportJwtSecret({
          jwksUri: `${supabaseUrl}/auth/v1/.well-known/jwks.json`,
          cache: true,
          cacheMaxAge: 10 * 60 * 1000,
          rateLimit: true,
          jwksRequestsPerMinute: 10,
        }) as unknown as KeyProvider)
      : undefined;

    const provider: KeyProvider = (req, rawJwt, done) => {
      const decoded = jwt.decode(rawJwt, { complete: true });
      const alg = decoded?.header.alg;
      const iss = typeof decoded?.payload === 'object' ? decoded.payload.iss : undefined;
      if (alg === 'HS256') {
        const key = iss === LOCAL_TOKEN_ISSUER ? localKey : supabaseKey;
        return key ? done(null, key) : done(new Error('no key for this token'));
      }
      if ((alg === 'RS256' || alg === 'ES256') && jwks) {
        return jwks(req, rawJwt, (err, pem) => (err || !pem ? done(err) : done(null, publicKeyOf(pem))));
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
      passReqToCallback: false,
    });
  }

  validate(payload: { sub?: unknown; email?: unknown }): AuthUser | false {
    if (typeof payload.sub !== 'string' || !isUuid(payload.sub)) return false;
    return { id: payload.sub.toLowerCase(), email: typeof payload.email === 'string' ? payload.email : undefined };
  }
}
