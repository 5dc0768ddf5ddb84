import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// Accept a caller's id only if it is short and harmless in a log line.
const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify's genReqId: honour a sane x-request-id, otherwise make one. */
export function requestId(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  const id = typeof header === 'string' && ACCEPTABLE.test(header) ? header : randomUUID();
  // pino-http reuses req.id, so the log line and the response carry the same id.
  (req as IncomingMessage & { id: string }).id = id;
  return id;
}
