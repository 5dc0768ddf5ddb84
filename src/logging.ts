import type { FastifyInstance } from 'fastify';
import type { Params } from 'nestjs-pino';
import type { Logger as Pino } from 'pino';
import type { AppConfig } from './config/config.js';

/**
 * The application logger (nestjs-pino): JSON lines at LOG_LEVEL, credentials redacted.
 * nestjs-pino's per-request pino-http middleware is not mounted: a child logger and an
 * AsyncLocalStorage scope for every request cost ≈ 150 µs of CPU each (bench, docs/performance.md),
 * which requestLogging below does without. Errors are logged with their request id by the
 * exception filter.
 */
export function loggerOptions(config: AppConfig): Params {
  return {
    forRoutes: [],
    pinoHttp: {
      level: config.logLevel,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-api-key"]',
          'res.headers["set-cookie"]',
          '*.password',
          '*.accessToken',
        ],
        censor: '[redacted]',
      },
    },
  };
}

/**
 * One line per answered request — method, URL, status, time and request id; never headers
 * or bodies — at info (2xx/3xx), warn (4xx) or error (5xx), and only when that level is on.
 * Probes poll constantly: their outcome is in the response, not worth a line.
 */
/** A credential in a query string (the event stream's `?token=`) is not logged. */
const withoutSecrets = (url: string): string => url.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]');

export function requestLogging(fastify: FastifyInstance, logger: Pino): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const statusCode = reply.statusCode;
    const level = statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'info';
    if (logger.isLevelEnabled(level) && !request.url.startsWith('/health')) {
      // Flat fields: the root logger keeps pino-http's serializers for `req`/`res`, which
      // expect live request/response objects (a plain { statusCode } would log null).
      logger[level](
        {
          requestId: request.id,
          method: request.method,
          url: withoutSecrets(request.url),
          statusCode,
          responseTime: Math.round(reply.elapsedTime),
        },
        'request completed',
      );
    }
    done();
  });
}
