import { RouteConfig } from '@nestjs/platform-fastify';

/**
 * Applies the @fastify/rate-limit defaults (AUTH_RATE_LIMIT_PER_MINUTE per IP) to a route.
 * Method-level only: Nest's Fastify adapter reads route config from the handler, not the class.
 */
export const RateLimited = (): MethodDecorator => RouteConfig({ rateLimit: {} });
