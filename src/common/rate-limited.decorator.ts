import { RouteConfig } from '@nestjs/platform-fastify';

/** The route config key common/rate-limit.ts reads to pick a route's budget. */
export const RATE_LIMIT_POLICY = 'rateLimitPolicy';

/**
 * The strict budget (AUTH_RATE_LIMIT_PER_MINUTE per client IP, signed in or not) for routes
 * that guess-and-check attacks aim at: every auth route (sign-up, login, refresh, logout,
 * verification, recovery, password change, invitation acceptance) and customer share links.
 * Method-level only: Nest's Fastify adapter reads route config from the handler, not the class.
 */
export const RateLimited = (): MethodDecorator => RouteConfig({ [RATE_LIMIT_POLICY]: 'strict' });
