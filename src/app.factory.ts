import type { PGlite } from '@electric-sql/pglite';
import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import { Logger, VersioningType } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { clientErrorHandler } from './http/client-error.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import { ClsService } from 'nestjs-cls';
import { CLS_REQUEST_ID } from './database/tenant-context.js';
import { Logger as NestPinoLogger, PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { sendError } from './common/all-exceptions.filter.js';
import { guardInput } from './common/json-body.js';
import { CAPTURE_CORS, isCapturePath } from './capture/capture-cors.js';
import { registerRateLimits } from './common/rate-limit.js';
import { createValidationPipe } from './common/validation.js';
import type { AppConfig } from './config/config.js';
import { requestLogging } from './logging.js';
import { setupOpenApi } from './openapi.js';
import { refuseUnexpectedMultipart } from './storage/multipart.js';
import { MAX_ATTACHMENT_BYTES } from './storage/storage.driver.js';
import { requestId } from './request-id.js';

/** Every method a route of the API answers, for cross-origin callers (SPAs). */
const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
const CORS_REQUEST_HEADERS = [
  'authorization',
  'content-type',
  'x-organization-id',
  'x-request-id',
  'if-match',
  'if-none-match',
  'idempotency-key',
];
/** Response headers a browser client may read. */
const CORS_RESPONSE_HEADERS = [
  'x-request-id',
  'retry-after',
  'etag',
  'location',
  'content-disposition',
  'idempotent-replayed',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
];

const frameworkLogger = new Logger('HttpError');

export interface CreateAppOptions {
  /** An open PGlite (tests); otherwise the app opens DATA_DIR or connects to DATABASE_URL. */
  pglite?: PGlite;
  /** Keep Nest's own buffered logs (default true). */
  bufferLogs?: boolean;
}

/** Builds the fully configured application without listening: used by main, tests and the OpenAPI script. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    genReqId: requestId,
    requestIdHeader: false,
    return503OnClosing: true,
    // No Nest middleware (the request context, helmet and logging are Fastify hooks below):
    // without @fastify/middie, no request runs its empty middleware chain. A module that
    // configures middleware would fail at boot (no `use`), not go unapplied.
    skipMiddie: true,
    routerOptions: { ignoreTrailingSlash: true },
    // What the router refuses before any hook runs (a malformed URL such as /v1/leads/%ZZ)
    // gets the API's error shape and request id too.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) =>
      sendError(error, request, reply, frameworkLogger),
    // And what Node's parser refuses before there is a request (headers over 16 KiB).
    clientErrorHandler,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, options.pglite ?? null),
    adapter,
    {
      bufferLogs: options.bufferLogs ?? true,
      abortOnError: false,
      // Nest would register JSON and x-www-form-urlencoded parsers; the API takes JSON only
      // (guardInput below) and multipart on upload routes: anything else is a 415.
      bodyParser: false,
      ...(config.logLevel === 'silent' && { logger: false }),
    },
  );
  if (config.logLevel !== 'silent') app.useLogger(app.get(NestPinoLogger));
  app.enableVersioning({ type: VersioningType.URI });
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();

  const fastify = app.getHttpAdapter().getInstance();
  // Each request runs in its own CLS context (the tenant scope, the unit of work), opened
  // here, before everything else: the rest of Fastify's lifecycle continues inside it, as
  // @fastify/request-context does. Cheaper than nestjs-cls's Nest middleware (middie and
  // several awaits per request).
  const cls = app.get(ClsService);
  fastify.addHook('onRequest', (request, _reply, done) =>
    cls.run({ ifNested: 'override' }, () => {
      cls.set(CLS_REQUEST_ID, request.id);
      done();
    }),
  );
  // Security headers. helmet's middleware is built once here: @fastify/helmet rebuilt it —
  // CSP directives parsed again — on every request (≈ 4 % of a GET's CPU; docs/performance.md).
  const securityHeaders = helmet({
    // Swagger UI needs inline styles and its own scripts; the API itself serves only JSON.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
        scriptSrc: ["'self'"],
        // Served over plain HTTP in development: do not force assets onto https.
        upgradeInsecureRequests: null,
      },
    },
  });
  fastify.addHook('onRequest', (request, reply, done) =>
    securityHeaders(request.raw, reply.raw, (err?: unknown) => done(err as Error | undefined)),
  );
  // A browser SPA on another origin: every verb the API uses, the request headers of its
  // conventions, and the response headers its JS must read.
  const apiCors = {
    origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
    methods: CORS_METHODS,
    allowedHeaders: CORS_REQUEST_HEADERS,
    exposedHeaders: CORS_RESPONSE_HEADERS,
    // Browsers cache a preflight this long (Chromium caps it at 2 hours).
    maxAge: 7200,
  };
  // Website forms post to the capture routes from the origins each key allows (capture-cors.ts).
  await fastify.register(cors, {
    delegator: (request, callback) => callback(null, isCapturePath(request.url) ? CAPTURE_CORS : apiCors),
  });
  await registerRateLimits(fastify, config);
  // multipart/form-data for attachment uploads, read as a stream by the route (never
  // buffered): one file of at most 50 MiB — past it the stream is truncated and the route
  // answers 413 — and a few small fields at most. BODY_LIMIT_BYTES does not apply here.
  await fastify.register(multipart, {
    limits: { fileSize: MAX_ATTACHMENT_BYTES, files: 1, fields: 5, fieldSize: 1024, parts: 6 },
  });
  refuseUnexpectedMultipart(fastify);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  if (config.logLevel !== 'silent') requestLogging(fastify, PinoLogger.root);
  // JSON only: without this, Fastify would accept text/plain bodies as strings.
  fastify.removeContentTypeParser(['text/plain']);
  guardInput(fastify, config.bodyLimitBytes);

  setupOpenApi(app);
  return app;
}
