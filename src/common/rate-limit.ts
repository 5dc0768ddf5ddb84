import rateLimit from '@fastify/rate-limit';
import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { knownApiKey } from '../auth/api-key.verifier.js';
import { knownCaptureKey } from '../capture/capture-rate-limit.js';
import { alreadyVerified } from '../auth/jwt.strategy.js';
import type { AppConfig } from '../config/config.js';
import { RATE_LIMIT_POLICY } from './rate-limited.decorator.js';
import { isUuid } from './uuid-param.pipe.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by @RateLimited(). */
    [RATE_LIMIT_POLICY]?: 'strict';
  }
}

const logger = new Logger('RateLimit');

/** Which budget a request draws from, as the prefix of its key. */
const enum Budget {
  /** A signed-in user in one organization, or an API key: RATE_LIMIT_PER_MINUTE. */
  User = 'u',
  /** Anyone else, by client IP: PUBLIC_RATE_LIMIT_PER_MINUTE. */
  Anonymous = 'ip',
  /** Sign-up, login and share links, by route and client IP whoever asks: AUTH_RATE_LIMIT_PER_MINUTE. */
  Strict = 'strict',
  /** A capture key found active, per client IP: the key's own rateLimitPerMinute. */
  Capture = 'cap',
}

/** The key of requests no budget counts (probes): an allow list of keys costs the limiter no await. */
const UNCOUNTED = 'uncounted';

function keyOf(request: FastifyRequest): string {
  if (request.url.startsWith('/health')) return UNCOUNTED;
  // Per route: a sign-up does not use up the attempts at logging in.
  if (request.routeOptions.config[RATE_LIMIT_POLICY] === 'strict') {
    return `${Budget.Strict}:${request.routeOptions.url ?? ''}:${request.ip}`;
  }
  // A capture key found active: its own budget per visitor (client IP), so one busy visitor does not use up a form's.
  const captureKey = knownCaptureKey(request.headers.authorization);
  if (captureKey) return `${Budget.Capture}:${captureKey.perMinute}:${captureKey.id}:${request.ip}`;
  // An API key found active has a budget of its own, whichever user it acts for; any other
  // key (not looked up yet, mistyped, made up) counts against the IP address.
  const keyHash = knownApiKey(request.headers.authorization);
  if (keyHash) return `${Budget.User}:key:${keyHash}`;
  const user = alreadyVerified(request.headers.authorization);
  if (!user) return `${Budget.Anonymous}:${request.ip}`;
  const org = request.headers['x-organization-id'];
  return `${Budget.User}:${user.id}:${typeof org === 'string' && isUuid(org) ? org.toLowerCase() : '-'}`;
}

/** ioredis is imported only with REDIS_URL: a server counting in memory does not hold it. */
async function connectRedis(url: string): Promise<Redis> {
  const { Redis } = await import('ioredis');
  return new Redis(url, {
    connectTimeout: 2000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    lazyConnect: false,
  });
}

/**
 * Rate limits on every route (@fastify/rate-limit, one-minute windows): per user and
 * organization once signed in, per API key, per client IP otherwise, and a strict per-IP budget on the
 * routes marked @RateLimited. Every response carries RateLimit-Limit, -Remaining and
 * -Reset (IETF draft); a 429 adds Retry-After. With REDIS_URL the counters live in Redis,
 * so every replica draws from one budget; a Redis outage lets requests through (logged)
 * rather than taking the API down with it. Probes (/health) are not counted.
 */
export async function registerRateLimits(fastify: FastifyInstance, config: AppConfig): Promise<void> {
  const { perUser, perIp, strict, redisUrl } = config.rateLimit;
  const redis = redisUrl ? await connectRedis(redisUrl) : undefined;
  redis?.on('error', (error: Error) => logger.warn(`Redis for rate limits: ${error.message}`));
  if (redis) fastify.addHook('onClose', async () => void (await redis.quit().catch(() => redis.disconnect())));
  await fastify.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    timeWindow: 60_000,
    keyGenerator: keyOf,
    max: (_request, key) =>
      key.startsWith(`${Budget.User}:`)
        ? perUser
        : key.startsWith(`${Budget.Strict}:`)
          ? strict
          : key.startsWith(`${Budget.Capture}:`)
            ? Number(key.split(':')[1])
            : perIp,
    allowList: [UNCOUNTED],
    enableDraftSpec: true,
    ...(redis && { redis, nameSpace: 'crm-rate-limit:', skipOnError: true }),
  });
}
