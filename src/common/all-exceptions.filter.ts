import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { mapError } from './error-mapper.js';

/** Writes any error in the API error shape; only unexpected errors are logged with their cause. */
export function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply, logger: Logger): void {
  const mapped = mapError(error);
  if (mapped.unexpected) {
    logger.error({ err: error, reqId: request.id }, 'Unhandled error');
  } else if (mapped.statusCode === 503) {
    logger.warn(
      { err: error instanceof Error ? error.message : String(error), reqId: request.id },
      'Database unavailable',
    );
  }
  const { unexpected: _unexpected, headers, ...body } = mapped;
  if (mapped.statusCode === 503) void reply.header('retry-after', '5');
  if (headers) void reply.headers(headers);
  void reply
    // Also for errors raised before the hook that sets it runs (the router's malformed URL).
    .header('x-request-id', request.id)
    .status(mapped.statusCode)
    .header('content-type', 'application/json; charset=utf-8')
    .send({ ...body, requestId: request.id });
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), this.logger);
  }
}
