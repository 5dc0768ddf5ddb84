import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ERROR_CATALOGUE, ErrorCode } from '../common/errors.js';

/** Node's HTTP parser's error codes for what it refuses before any route or hook runs. */
const BY_PARSER_CODE: Record<string, ErrorCode> = {
  HPE_HEADER_OVERFLOW: ErrorCode.HeadersTooLarge,
  ERR_HTTP_REQUEST_TIMEOUT: ErrorCode.RequestTimeout,
};

/**
 * Fastify's `clientErrorHandler`: a request Node could not parse (headers over 16 KiB — a
 * very long query string —, a malformed request line, a request too slow to arrive) is
 * answered in the API's error shape with a request id, as every other refusal is, instead of
 * Fastify's `{error, message, statusCode}`. The connection is closed after it.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy(error);
    return;
  }
  const code = BY_PARSER_CODE[error.code ?? ''] ?? ErrorCode.MalformedRequest;
  const [statusCode, message] = ERROR_CATALOGUE[code];
  const requestId = randomUUID();
  const body = JSON.stringify({ statusCode, code, message, requestId });
  socket.end(
    `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `X-Request-Id: ${requestId}\r\n\r\n` +
      body,
  );
}
