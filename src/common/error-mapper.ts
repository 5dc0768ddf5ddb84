import { HttpException, HttpStatus, NotFoundException } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client.js';
import { DetailCode, DomainError, ErrorCode, type ErrorDetail, type ErrorRef } from './errors.js';

export interface MappedError {
  statusCode: number;
  code: string;
  message: string;
  details?: ErrorDetail[];
  ref?: ErrorRef;
  headers?: Record<string, string>;
  /** true when the cause is ours, not the client's: log it with its stack. */
  unexpected?: boolean;
}

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: ErrorCode.ValidationFailed,
  401: ErrorCode.Unauthorized,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  422: ErrorCode.BusinessRule,
  429: ErrorCode.RateLimited,
  503: ErrorCode.DatabaseUnavailable,
};

// Prisma codes meaning "the database is not there or too busy", not "your request is wrong".
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
const UNAVAILABLE_NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
  '57P01',
  '57P03',
  '53300',
]);

/**
 * pg's own errors when a connection dies mid-request (a killed backend, a failover, a network
 * cut): plain Errors with no SQLSTATE, so only their text tells them apart.
 */
const CONNECTION_LOST =
  /Connection terminated|is not queryable|Connection ended|server closed the connection|terminating connection|timeout exceeded when trying to connect/i;
// Driver-adapter error kinds (Prisma's path) meaning the same.
const CONNECTION_KINDS = new Set(['ConnectionClosed', 'DatabaseNotReachable', 'TooManyConnections', 'SocketTimeout']);

/** Whether anything in the error's cause chain says the database connection, not the statement, failed. */
export function isConnectionFailure(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const o = current as Record<string, unknown>;
    if (typeof o.message === 'string' && CONNECTION_LOST.test(o.message)) return true;
    if (typeof o.kind === 'string' && CONNECTION_KINDS.has(o.kind)) return true;
    const adapter = (o.meta as Record<string, unknown> | undefined)?.driverAdapterError as
      Record<string, unknown> | undefined;
    const cause = adapter?.cause as Record<string, unknown> | undefined;
    if (typeof cause?.kind === 'string' && CONNECTION_KINDS.has(cause.kind)) return true;
    current = adapter ?? o.cause;
  }
  return false;
}

const unavailable = (): MappedError => ({
  statusCode: HttpStatus.SERVICE_UNAVAILABLE,
  code: ErrorCode.DatabaseUnavailable,
  message: 'The database is unavailable; retry shortly',
});

/** Postgres SQLSTATE carried by a driver-adapter error, wherever Prisma put it. */
export function sqlState(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const o = current as Record<string, unknown>;
    const meta = o.meta as Record<string, unknown> | undefined;
    const adapter = meta?.driverAdapterError as Record<string, unknown> | undefined;
    const cause = (adapter?.cause ?? o.cause) as Record<string, unknown> | undefined;
    // A pg DatabaseError (severity) or a socket error (syscall) carries its code itself.
    const own = typeof o.severity === 'string' || typeof o.syscall === 'string' ? o.code : undefined;
    for (const c of [cause?.originalCode, cause?.code, o.originalCode, own]) {
      if (typeof c === 'string' && /^[0-9A-Z]{5}$|^E[A-Z]+$/.test(c)) return c;
    }
    current = adapter ?? o.cause;
  }
  return undefined;
}

function fromPrisma(error: Prisma.PrismaClientKnownRequestError): MappedError {
  const meta = error.meta ?? {};
  switch (error.code) {
    case 'P2002': {
      const target = (meta.target ??
        (meta.driverAdapterError as { cause?: { constraint?: { fields?: string[] } } })?.cause?.constraint?.fields) as
        string[] | string | undefined;
      const fields = (Array.isArray(target) ? target : target ? [target] : [])
        .filter((f) => f !== 'organization_id' && f !== 'organizationId')
        .map(camel);
      return {
        statusCode: 409,
        code: ErrorCode.Conflict,
        message: 'A record with the same unique value already exists',
        details: fields.map((field) => ({
          field,
          message: 'is already used by another record',
          code: DetailCode.NotUnique,
        })),
      };
    }
    case 'P2025':
      return { statusCode: 404, code: ErrorCode.NotFound, message: 'Record not found' };
    case 'P2003':
      return {
        statusCode: 409,
        code: ErrorCode.Conflict,
        message: 'A related record does not exist or is still referenced',
      };
  }
  // A unit-of-work timeout (TransactionTimeoutError) raised under a Prisma call arrives wrapped with its own code.
  if (UNAVAILABLE_PRISMA_CODES.has(error.code) || error.code === ErrorCode.DatabaseUnavailable) return unavailable();
  if (isConnectionFailure(error)) return unavailable();
  return fromSqlState(sqlState(error), error);
}

const camel = (column: string): string => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * The input field a database error is about, when Postgres says: the column of a NOT NULL
 * violation, the column a `<table>_<column>_check` constraint is named after, or the last
 * column of a unique key's `Key (organization_id, email)=…` detail.
 */
export function fieldOf(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const o = current as Record<string, unknown>;
    if (typeof o.column === 'string' && o.column) return camel(o.column);
    if (typeof o.constraint === 'string' && typeof o.table === 'string') {
      const m = new RegExp(`^${o.table}_(.+)_check$`).exec(o.constraint);
      if (m) return camel(m[1]);
    }
    if (typeof o.detail === 'string') {
      const key = /^Key \((.+?)\)=/.exec(o.detail);
      const columns = key?.[1].split(',').map((c) => /([a-z_]+)\)*$/.exec(c.trim())?.[1]);
      const last = columns?.filter((c) => c && c !== 'organization_id').pop();
      if (last) return camel(last.replace(/_key$/, ''));
    }
    const adapter = (o.meta as Record<string, unknown> | undefined)?.driverAdapterError as
      Record<string, unknown> | undefined;
    current = adapter ?? o.cause;
  }
  return undefined;
}

/** One detail naming the field, when the database told which. */
function fieldDetail(error: unknown, message: string, code: DetailCode): ErrorDetail[] | undefined {
  const field = fieldOf(error);
  return field ? [{ field, message, code }] : undefined;
}

function fromSqlState(state: string | undefined, error?: unknown): MappedError {
  if (state && UNAVAILABLE_NET_CODES.has(state)) return unavailable();
  if (state === '42501')
    return { statusCode: 403, code: ErrorCode.Forbidden, message: 'Your role does not allow this action' };
  if (state === '23505')
    return {
      statusCode: 409,
      code: ErrorCode.Conflict,
      message: 'A record with the same unique value already exists',
      details: fieldDetail(error, 'is already used by another record', DetailCode.NotUnique),
    };
  // An exclusion constraint (e.g. a double-booked slot) that a service did not map itself.
  if (state === '23P01')
    return { statusCode: 409, code: ErrorCode.Conflict, message: 'The change conflicts with an existing record' };
  if (state === '23503')
    return {
      statusCode: 409,
      code: ErrorCode.Conflict,
      message: 'A related record does not exist or is still referenced',
    };
  if (state === '23514' || state === '23502' || state === '22P02' || state === '22003' || state === '22001')
    return {
      statusCode: 400,
      code: ErrorCode.ValidationFailed,
      message: 'A value is out of range or malformed',
      details: fieldDetail(error, 'is out of range or malformed', DetailCode.OutOfRange),
    };
  // Values Postgres cannot store or compute (a NUL character, a date beyond its range): input
  // validation refuses them first; this is the net under it.
  if (state === '22021' || state === '22008' || state === '22007' || state === '22009')
    return { statusCode: 400, code: ErrorCode.ValidationFailed, message: 'A value is out of range or malformed' };
  return { statusCode: 500, code: ErrorCode.Internal, message: 'Internal server error', unexpected: true };
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message?: string;
}

function fromFastify(error: FastifyLikeError): MappedError | undefined {
  // @fastify/rate-limit (Retry-After is already on the reply).
  if (error.statusCode === 429) {
    return {
      statusCode: 429,
      code: ErrorCode.RateLimited,
      message: 'Too many requests; retry after the time in Retry-After',
    };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { statusCode: 413, code: ErrorCode.PayloadTooLarge, message: 'Request body is too large' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        statusCode: 415,
        code: ErrorCode.UnsupportedMediaType,
        message: 'Unsupported Content-Type; send application/json',
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { statusCode: 400, code: ErrorCode.MalformedJson, message: 'Request body is not valid JSON' };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { statusCode: 400, code: ErrorCode.ValidationFailed, message: 'Content-Length does not match the body' };
  }
  if (typeof error.code === 'string' && error.code.startsWith('FST_') && error.statusCode && error.statusCode < 500) {
    return {
      statusCode: error.statusCode,
      code: STATUS_CODES[error.statusCode] ?? ErrorCode.ValidationFailed,
      message: error.message ?? 'Bad request',
    };
  }
  return undefined;
}

/** Turns anything thrown while serving a request into the documented error shape. */
export function mapError(error: unknown): MappedError {
  // The embedded database was closed under us (shutdown, or a crash of its worker).
  if (error instanceof Error && /PGlite is closed/.test(error.message)) return unavailable();
  if (error instanceof DomainError) {
    const { status, code, message, details, ref, headers } = error;
    return { statusCode: status, code, message, details, ref, headers };
  }
  // Our code throws DomainErrors; a bare NotFoundException is Nest's "no such route".
  if (error instanceof NotFoundException) {
    return {
      statusCode: 404,
      code: ErrorCode.RouteNotFound,
      message: error.message.replace(/^Cannot /, 'No route for '),
    };
  }
  if (error instanceof HttpException) {
    // Nest wraps Fastify's own errors (body parsing, size, media type); the cause has the precise code.
    const wrapped =
      error.cause && typeof error.cause === 'object' ? fromFastify(error.cause as FastifyLikeError) : undefined;
    if (wrapped) return wrapped;
    const status = error.getStatus();
    const response = error.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : typeof (response as { message?: unknown }).message === 'string'
          ? (response as { message: string }).message
          : error.message;
    // A 503 is the readiness probe reporting the database down: expected, not a bug.
    return {
      statusCode: status,
      code: STATUS_CODES[status] ?? ErrorCode.Internal,
      message,
      unexpected: status >= 500 && status !== 503,
    };
  }
  if (error instanceof Prisma.PrismaClientKnownRequestError) return fromPrisma(error);
  if (error instanceof Prisma.PrismaClientInitializationError) return unavailable();
  if (error instanceof SyntaxError && (error as FastifyLikeError).statusCode === 400) {
    return { statusCode: 400, code: ErrorCode.MalformedJson, message: 'Request body is not valid JSON' };
  }
  const fastify = error && typeof error === 'object' ? fromFastify(error as FastifyLikeError) : undefined;
  if (fastify) return fastify;
  if (isConnectionFailure(error)) return unavailable();
  return fromSqlState(sqlState(error), error);
}
