import { RouteConfig } from '@nestjs/platform-fastify';

/** Applies the @fastify/rate-limit defaults (AUTH_RATE_LIMIT_PER_MINUTE per IP) to a controller's or route's requests. */
export const RateLimited = (): MethodDecorator & ClassDecorator => RouteConfig({ rateLimit: {} });
