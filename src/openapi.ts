import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type {
  HeaderObject,
  OperationObject,
  ParameterObject,
  ReferenceObject,
  RequestBodyObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger';
import { ErrorBody } from './common/error-body.js';
import { ERROR_CATALOGUE, ErrorCode } from './common/errors.js';
import { APP_CONFIG, type AppConfig } from './config/config.js';
import { CONTRACT_EXTENSION, type EndpointContract } from './http/endpoint.decorator.js';
import { documentValidationRules } from './http/validation-docs.js';
import { KEY_SCOPE_EXTENSION, type KeyScopeSpec, requiredScopes } from './api-keys/scopes.js';
import { BILLING_EXEMPT_EXTENSION } from './tenancy/billing-exempt.decorator.js';
import { ROLES_EXTENSION } from './tenancy/roles.decorator.js';
import { MULTIPART_BODY_EXTENSION } from './storage/multipart.js';
import { ORG_HEADER, ROUTE_KIND_EXTENSION, type RouteKind } from './tenancy/tenant-route.decorator.js';

const DESCRIPTION = `Multi-tenant CRM for real-estate brokerages.

**Authenticate** with a Supabase Auth access token, or with \`POST /v1/auth/signup\` / \`/v1/auth/login\` on the
embedded auth; then create an organization. Put the token in **Authorize → bearer**, and the organization's id in
**Authorize → organization** (\`X-Organization-Id\`) when you belong to more than one.

**Conventions** (every route):
- Errors: \`{statusCode, code, message, details?, ref?, requestId}\`; each operation lists the codes it may answer.
- Single resources carry an \`ETag\`; send it back as \`If-Match\` on PATCH, DELETE and actions to write only
  that version (412 \`PRECONDITION_FAILED\` when stale). Without \`If-Match\` the last write wins.
- \`Idempotency-Key\` on a POST replays the first response for 24 hours (\`Idempotent-Replayed: true\`).
- Lists answer \`{data, meta}\`; \`page\`, \`pageSize\` (≤ 100), \`sort\`, \`q\`, \`ids\` and filters; \`include=\` adds
  related records as compact summaries.
- Every response carries \`RateLimit-Limit\`, \`RateLimit-Remaining\`, \`RateLimit-Reset\`; 429 comes with \`Retry-After\`.`;

/** What each tag groups, in the order Swagger UI lists them. */
const TAGS: Record<string, string> = {
  auth: 'Sign up and log in on the embedded auth (Supabase Auth issues the same tokens in production)',
  me: 'The signed-in user and the organizations they belong to',
  organizations: 'Brokerages: create one, read and rename yours',
  members: "An organization's members and their roles",
  leads: 'Prospects: qualify, assign, convert into contacts and deals, merge duplicates',
  'lead-scoring': "The organization's lead-scoring weights and qualification rule (docs/lead-scoring.md)",
  contacts: 'People the brokerage works with',
  products:
    "The brokerage's service lines (buyer representation, listing, rentals…): ADMINs manage them, at most 3 active",
  'acquisition-stages':
    "The contacts' ordered acquisition pipeline (ADMIN-managed): default probability and OPEN, WON or LOST",
  deals: 'Opportunities through the pipeline stages',
  listings: 'Properties for sale or rent, with their price and status history',
  activities: 'Calls, emails, meetings and tasks on any record',
  appointments: 'Showings and meetings on the calendar, also as an iCalendar feed',
  notifications: "The signed-in member's notifications",
  events: 'What changed, as it commits: a page of the outbox, or a live Server-Sent Events stream',
  webhooks: "Signed HTTP deliveries of the organization's events to its other systems (ADMIN)",
  jobs: 'Background work that failed for good (the dead letter), and retrying it (ADMIN)',
  analytics:
    "The dashboard's figures in the organization's time zone, each beside the previous period's (an AGENT's are their own)",
  exports: "The lists streamed as CSV or NDJSON, and the organization's whole archive (ADMIN)",
  'api-keys': "Keys for the organization's integrations (ADMIN): scoped, revocable, rotatable",
  tickets: 'Support tickets: workflow, assignees, comments, attachments and share links',
  audit: "Who changed what: the organization's change history, recorded by the database",
  public: 'What a ticket share link shows to someone outside the organization',
  capture: 'Website forms and portals posting leads and events, with a capture key (`bcrm_pk_…`) or an API key',
  'capture-keys': 'Publishable keys for website forms (ADMIN): origin allow-list, rate limit, default campaign',
  'lead-routing': 'Who gets a captured lead: none, a fixed agent, or round-robin among opted-in AGENTs',
  files: 'Downloads through signed, expiring URLs (local storage driver)',
  health: 'Liveness and readiness probes',
};

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const { publicApiUrl } = app.get<AppConfig>(APP_CONFIG).storage;
  const builder = new DocumentBuilder()
    .setTitle('brokerage-crm API')
    .setDescription(DESCRIPTION)
    .setVersion('1.0.0')
    // Relative when PUBLIC_API_URL is unset: the server that serves this document.
    .addServer(
      publicApiUrl ?? '/',
      publicApiUrl
        ? 'This deployment (production or staging), at PUBLIC_API_URL'
        : 'The server this document is served from (local development, or production behind PUBLIC_API_URL)',
      undefined,
      { 'x-internal': false }, // a public API, for SPAs and integrations
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'A Supabase Auth access token, or one from /v1/auth/signup, /login or /refresh. Verified as RFC8725 ' +
          'advises: the algorithm is pinned per issuer (HS256 with the shared secret, RS256/ES256 through the ' +
          'JWKS), `none` is refused, and exp and aud are checked; an embedded-auth token also stops working ' +
          'when its session is signed out (401 SESSION_REVOKED, docs/auth.md).',
      },
      'bearer',
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'bcrm_…',
        description:
          "An organization's API key, made by an ADMIN at /v1/api-keys: `bcrm_` and 43 characters. It acts in " +
          'its own organization, without X-Organization-Id, with its role, and only on routes whose scopes it ' +
          'holds; each operation names the scopes it needs.',
      },
      'apiKey',
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'bcrm_pk_…',
        description:
          'A publishable capture key, made by an ADMIN at /v1/capture-keys: `bcrm_pk_` and 43 characters. It may only ' +
          'post to /v1/capture/*, from a browser on one of its allowedOrigins or from a server (no Origin).',
      },
      'captureKey',
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-Organization-Id',
        description: 'The organization to act in (a UUID). Optional when you belong to exactly one.',
      },
      'organization',
    );
  for (const [name, description] of Object.entries(TAGS)) builder.addTag(name, description);
  documentValidationRules(app.get(ModulesContainer));
  const document = SwaggerModule.createDocument(app, builder.build(), {
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
    autoTagControllers: false, // every route is tagged by its resource; no extra tag named after its controller
    extraModels: [ErrorBody],
  });
  return applyContract(document);
}

/** Swagger UI at /docs, the document at /docs/json. */
export function setupOpenApi(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs/json',
    yamlDocumentUrl: 'docs/yaml',
    // Over 100 operations Swagger UI renders only what is scrolled into view: links to an operation
    // (#/leads/Leads_list) and the tag filter are how people find one.
    swaggerOptions: { persistAuthorization: true, deepLinking: true, filter: true },
  });
}

// ---------------------------------------------------------------------------
// The conventions every operation shares, written into the document once
// ---------------------------------------------------------------------------

const header = (name: string): ReferenceObject => ({ $ref: `#/components/headers/${name}` });

const COUNT: SchemaObject = { type: 'integer', format: 'int32', minimum: 0, maximum: 2 ** 31 - 1 };

const HEADERS: Record<string, HeaderObject> = {
  'RateLimit-Limit': { description: 'Requests allowed in the current window', schema: COUNT },
  'RateLimit-Remaining': { description: 'Requests left in the current window', schema: COUNT },
  'RateLimit-Reset': { description: 'Seconds until the window resets', schema: COUNT },
  'Retry-After': { description: 'Seconds to wait before retrying', schema: COUNT },
  'Access-Control-Allow-Origin': {
    description: "The request's Origin, when it is one of CORS_ORIGINS (or * when CORS_ORIGINS is *)",
    schema: { type: 'string', maxLength: 2048 },
  },
  ETag: {
    description: 'The version of this resource: send it back as If-Match to change only this version',
    schema: { type: 'string', maxLength: 64 },
  },
  Location: { description: 'The URL of the created resource', schema: { type: 'string', maxLength: 2048 } },
  'X-Request-Id': {
    description: 'The id of this request, also in the logs',
    schema: { type: 'string', maxLength: 128 },
  },
  'Idempotent-Replayed': {
    description: '"true" when this is the stored response of an earlier request with the same Idempotency-Key',
    schema: { type: 'string', enum: ['true'] },
  },
};

/** The headers of every response. */
const COMMON_HEADERS = {
  'RateLimit-Limit': header('RateLimit-Limit'),
  'RateLimit-Remaining': header('RateLimit-Remaining'),
  'RateLimit-Reset': header('RateLimit-Reset'),
  'X-Request-Id': header('X-Request-Id'),
  'Access-Control-Allow-Origin': header('Access-Control-Allow-Origin'),
};

const PARAMETERS: Record<string, ParameterObject> = {
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'A unique key for this request (a UUID): sent again with the same request within 24 hours, it replays the ' +
      'first response instead of acting twice.',
    schema: { type: 'string', minLength: 1, maxLength: 255 },
  },
  IfMatch: {
    name: 'If-Match',
    in: 'header',
    required: false,
    description: 'The ETag you read: the change applies only if the resource is still that version (else 412).',
    schema: { type: 'string', maxLength: 1024 },
  },
};

interface OperationContext {
  path: string;
  method: string;
  op: OperationObject;
  kind: RouteKind;
  contract: EndpointContract;
  /** The scope an API key needs here; undefined: keys may not call it. */
  keyScope?: string;
  /** A write that works whatever the organization's billing (@BillingExempt): never 402. */
  billingExempt?: boolean;
}

const UUID_PARAM = /^(id|\w+Id)$/;

function jsonBody(op: OperationObject): boolean {
  const body = op.requestBody as { content?: Record<string, unknown> } | undefined;
  return Boolean(body?.content?.['application/json']);
}

function multipartBody(op: OperationObject): boolean {
  const body = op.requestBody as { content?: Record<string, unknown> } | undefined;
  return Boolean(body?.content?.['multipart/form-data']);
}

/** The multipart/form-data body of an operation that also takes JSON (MultipartAlternative). */
function addMultipartBody(op: OperationObject, schema: string): void {
  const body = op.requestBody as RequestBodyObject | undefined;
  if (!body) return;
  body.content['multipart/form-data'] = { schema: { $ref: `#/components/schemas/${schema}` } };
}

/** The codes an operation may answer because of what it is, beside the ones its route declares. */
function impliedErrors({ path, method, op, kind, contract, keyScope, billingExempt }: OperationContext): ErrorCode[] {
  const codes: ErrorCode[] = [ErrorCode.RateLimited, ErrorCode.Internal];
  if (path !== '/health/live') codes.push(ErrorCode.DatabaseUnavailable);
  if (op.parameters?.length || op.requestBody) codes.push(ErrorCode.ValidationFailed);
  if (jsonBody(op)) codes.push(ErrorCode.MalformedJson, ErrorCode.UnsupportedMediaType, ErrorCode.PayloadTooLarge);
  if (multipartBody(op)) codes.push(ErrorCode.UnsupportedMediaType, ErrorCode.PayloadTooLarge);
  if (kind === 'user' || kind === 'tenant') {
    codes.push(ErrorCode.Unauthorized, ErrorCode.ApiKeyInvalid, ErrorCode.ApiKeyExpired, ErrorCode.ApiKeyRevoked);
    // An embedded-auth access token whose session was signed out (docs/auth.md).
    codes.push(ErrorCode.SessionRevoked);
    codes.push(keyScope ? ErrorCode.InsufficientScope : ErrorCode.ApiKeyNotAllowed);
  }
  if (kind === 'tenant') codes.push(ErrorCode.Forbidden, ErrorCode.NotAMember, ErrorCode.OrganizationRequired);
  if (kind === 'tenant' && method !== 'get' && !billingExempt) codes.push(ErrorCode.PaymentRequired);
  if (/\{(id|\w+Id)\}/.test(path)) codes.push(ErrorCode.NotFound);
  if (contract.ifMatch) codes.push(ErrorCode.PreconditionFailed);
  if (method === 'post' && kind !== 'public' && !multipartBody(op)) {
    codes.push(ErrorCode.IdempotencyKeyReused, ErrorCode.IdempotencyKeyInUse);
  }
  return codes;
}

function errorResponses(codes: readonly ErrorCode[]): Record<string, ResponseObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const [status] = ERROR_CATALOGUE[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, ResponseObject> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const schema: SchemaObject = {
      allOf: [{ $ref: '#/components/schemas/ErrorBody' }],
      properties: { code: { type: 'string', enum: list } },
      required: ['code'],
    };
    responses[String(status)] = {
      description: list.map((c) => `\`${c}\`: ${ERROR_CATALOGUE[c][1]}`).join('\n\n'),
      headers: {
        ...COMMON_HEADERS,
        ...((status === 429 || status === 503) && { 'Retry-After': header('Retry-After') }),
      },
      content: { 'application/json': { schema } },
    };
  }
  return responses;
}

/** A success response's schema names a single resource (not a page, not a file). */
function singleResource(response: ResponseObject, schemas: Record<string, SchemaObject>): boolean {
  const schema = response.content?.['application/json']?.schema as ReferenceObject | undefined;
  const name = schema?.$ref?.split('/').pop();
  return Boolean(name && !schemas[name]?.properties?.meta);
}

function refineParameters(ctx: OperationContext): void {
  const { op } = ctx;
  const parameters = (op.parameters ?? []) as ParameterObject[];
  op.parameters = parameters
    .filter((p) => !(p.in === 'header' && p.name.toLowerCase() === ORG_HEADER))
    .map((p) => {
      const schema = p.schema as SchemaObject | undefined;
      if (p.in === 'path' && UUID_PARAM.test(p.name) && schema) return { ...p, schema: { ...schema, format: 'uuid' } };
      if (p.in === 'query' && schema?.type === 'array') return { ...p, style: 'form', explode: false };
      return p;
    });
  if (ctx.method === 'post' && ctx.kind !== 'public' && !multipartBody(op)) {
    op.parameters.push({ $ref: '#/components/parameters/IdempotencyKey' } as unknown as ParameterObject);
  }
  if (ctx.contract.ifMatch)
    op.parameters.push({ $ref: '#/components/parameters/IfMatch' } as unknown as ParameterObject);
  if (!op.parameters.length) delete op.parameters;
}

function refineResponses(ctx: OperationContext, schemas: Record<string, SchemaObject>): void {
  const { op, contract } = ctx;
  for (const [status, response] of Object.entries(op.responses) as [string, ResponseObject][]) {
    if (!status.startsWith('2')) {
      Reflect.deleteProperty(op.responses, status); // rebuilt from the codes below
      continue;
    }
    const headers: Record<string, ReferenceObject> = { ...COMMON_HEADERS };
    if (singleResource(response, schemas)) headers.ETag = header('ETag');
    if (status === '201' && contract.created) headers.Location = header('Location');
    if (ctx.method === 'post' && ctx.kind !== 'public') headers['Idempotent-Replayed'] = header('Idempotent-Replayed');
    response.headers = { ...response.headers, ...headers };
  }
  Object.assign(op.responses, errorResponses([...impliedErrors(ctx), ...contract.errors]));
}

function refineSecurity(ctx: OperationContext): void {
  if (ctx.kind === 'capture') {
    ctx.op.security = [{ captureKey: [] }, { apiKey: [] }];
    return;
  }
  if (ctx.kind === 'public') {
    // The empty requirement: anyone may call it, said explicitly (the same as [] here, but a
    // reader and a linter both see that no scheme was forgotten).
    ctx.op.security = [{}];
    return;
  }
  // X-Organization-Id is optional: with it, or (one organization) without it.
  ctx.op.security = ctx.kind === 'tenant' ? [{ bearer: [], organization: [] }, { bearer: [] }] : [{ bearer: [] }];
  if (ctx.keyScope) ctx.op.security.push({ apiKey: [] });
}

/** Writes the conventions every operation shares into the document, from each route's @Endpoint facts. */
export function applyContract(document: OpenAPIObject): OpenAPIObject {
  const components = (document.components ??= {});
  const schemas = (components.schemas ??= {}) as Record<string, SchemaObject>;
  components.headers = { ...components.headers, ...HEADERS };
  components.parameters = { ...components.parameters, ...PARAMETERS };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const op = item[method];
      if (!op) continue;
      const extended = op as OperationObject & Record<string, unknown>;
      const contract = (extended[CONTRACT_EXTENSION] as EndpointContract | undefined) ?? {
        errors: [],
        ifMatch: false,
        created: false,
      };
      const kind = (extended[ROUTE_KIND_EXTENSION] as RouteKind | undefined) ?? 'public';
      const roles = extended[ROLES_EXTENSION] as string[] | undefined;
      const keyScope = extended[KEY_SCOPE_EXTENSION] as KeyScopeSpec | undefined;
      const multipart = extended[MULTIPART_BODY_EXTENSION] as string | undefined;
      const billingExempt = extended[BILLING_EXEMPT_EXTENSION] === true;
      for (const key of [
        BILLING_EXEMPT_EXTENSION,
        CONTRACT_EXTENSION,
        ROUTE_KIND_EXTENSION,
        ROLES_EXTENSION,
        KEY_SCOPE_EXTENSION,
        MULTIPART_BODY_EXTENSION,
      ])
        Reflect.deleteProperty(extended, key);
      if (multipart) addMultipartBody(op, multipart);
      const writes = method !== 'get';
      const who =
        kind === 'public'
          ? 'Public: no token needed.'
          : kind === 'capture'
            ? 'A capture key (`bcrm_pk_…`), or an API key with `leads:write`.'
            : kind === 'user'
              ? 'Any signed-in user; no organization needed.'
              : roles
                ? `Roles: ${roles.join(', ')}.`
                : writes
                  ? 'Roles: ADMIN, MANAGER, AGENT (a VIEWER reads only).'
                  : 'Roles: any member.';
      const scopes = keyScope && requiredScopes(keyScope, method.toUpperCase());
      const named = scopes?.map((x) => `\`${x}\``).join(', ');
      const keys =
        kind === 'public' || kind === 'capture'
          ? ''
          : scopes
            ? ` API keys: scope${scopes.length > 1 ? 's' : ''} ${named}.`
            : ' Not open to API keys.';
      const text = who + keys;
      op.description = op.description ? `${op.description}\n\n${text}` : text;
      const ctx: OperationContext = { path, method, op, kind, contract, keyScope: scopes?.[0], billingExempt };
      refineParameters(ctx);
      refineResponses(ctx, schemas);
      refineSecurity(ctx);
    }
  }
  boundFormattedStrings(document);
  return document;
}

/** The longest text of each string format the API reads or writes. */
const FORMAT_LENGTH: Record<string, number> = {
  uuid: 36,
  date: 10,
  // 2026-11-25T17:00:00.123456789+05:30: nanoseconds and an offset (src/common/dates.ts)
  'date-time': 35,
};

/** A string with a fixed-shape format is as long as that shape: every such schema says so. */
function boundFormattedStrings(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(boundFormattedStrings);
  if (!node || typeof node !== 'object') return;
  const schema = node as SchemaObject;
  const length = schema.type === 'string' && schema.format ? FORMAT_LENGTH[schema.format] : undefined;
  if (length !== undefined && schema.maxLength === undefined) schema.maxLength = length;
  Object.values(node).forEach(boundFormattedStrings);
}
