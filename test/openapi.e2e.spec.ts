import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OPENAPI_FILE, renderOpenApi } from '../src/openapi.cli.js';
import { bootApp, type TestApp } from './helpers/app.js';

type Operation = {
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
  security?: unknown[];
  description?: string;
};

describe('OpenAPI document', () => {
  let rendered: string;
  let doc: {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, any>; securitySchemes: Record<string, unknown> };
  };

  beforeAll(async () => {
    rendered = await renderOpenApi();
    doc = JSON.parse(rendered);
  });

  it('matches the committed openapi.json (run `npm run openapi` after changing routes or DTOs)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(rendered);
  });

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, op })),
    );

  it('documents a success response and, per status, the error codes of every operation', () => {
    for (const { path, method, op } of operations()) {
      const codes = Object.keys(op.responses);
      expect({ path, method, hasSuccess: codes.some((c) => c.startsWith('2')) }).toMatchObject({ hasSuccess: true });
      // Every operation may be rate limited and may fail unexpectedly.
      expect({ path, method, codes }).toMatchObject({ codes: expect.arrayContaining(['429', '500']) });
      for (const code of codes.filter((c) => /^[45]/.test(c))) {
        const schema = op.responses[code].content?.['application/json']?.schema as {
          allOf?: { $ref: string }[];
          properties?: { code?: { enum?: string[] } };
        };
        expect({ path, method, code, ref: schema.allOf?.[0].$ref }).toMatchObject({
          ref: '#/components/schemas/ErrorBody',
        });
        expect({ path, method, code, enum: schema.properties?.code?.enum?.length }).toMatchObject({
          enum: expect.any(Number),
        });
      }
    }
  });

  it('secures tenant routes with the bearer token and X-Organization-Id as an Authorize scheme', () => {
    for (const { path, method, op } of operations()) {
      if (!/^\/v1\/(leads|members)/.test(path)) continue;
      // Lead routes are open to API keys with a leads scope; membership routes are not.
      const keys = path.startsWith('/v1/leads') ? [{ apiKey: [] }] : [];
      expect({ path, method, security: op.security }).toEqual({
        path,
        method,
        security: [{ bearer: [], organization: [] }, { bearer: [] }, ...keys],
      });
      // A lead's change history needs the audit scope, not the lead's.
      const scope = path.endsWith('/audit') ? 'audit:read' : `leads:${method === 'get' ? 'read' : 'write'}`;
      // The route's own scope first; a conversion, a merge or a timeline names the others it needs after it.
      expect(op.description).toContain(keys.length ? 'API keys: scope' : 'Not open to API keys.');
      if (keys.length) expect(op.description).toMatch(new RegExp(`API keys: scopes? \`${scope}\``));
      expect({ path, method, header: op.parameters?.some((p) => p.name === 'X-Organization-Id') }).toMatchObject({
        header: false,
      });
    }
    expect(doc.components).toMatchObject({
      securitySchemes: {
        organization: { type: 'apiKey', in: 'header', name: 'X-Organization-Id' },
        apiKey: { type: 'http', scheme: 'bearer', bearerFormat: 'bcrm_…' },
      },
    });
  });

  it('gives every request body a schema whose properties carry examples', () => {
    for (const { path, method, op } of operations()) {
      if (!op.requestBody) continue;
      const content = op.requestBody.content['application/json'] ?? op.requestBody.content['multipart/form-data'];
      expect({ path, method, documented: Boolean(content) }).toMatchObject({ documented: true });
      const ref = (content.schema as { $ref: string }).$ref;
      const schema = doc.components.schemas[ref.split('/').pop()!];
      const withoutExample = Object.entries(schema.properties as Record<string, { example?: unknown }>)
        .filter(([, p]) => p.example === undefined)
        .map(([name]) => name);
      expect({ path, method, withoutExample }).toEqual({ path, method, withoutExample: [] });
    }
  });
});

type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  maxLength?: number;
  example?: unknown;
  examples?: unknown;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  additionalProperties?: boolean | Schema;
};
type Parameter = {
  name: string;
  in: string;
  required?: boolean;
  schema?: Schema;
  example?: unknown;
  examples?: unknown;
};
type Body = { content?: Record<string, { schema?: Schema; example?: unknown }> };

describe('OpenAPI document: what clients and Swagger UI rely on', () => {
  let doc: {
    paths: Record<
      string,
      Record<string, { parameters?: Parameter[]; requestBody?: Body; responses: Record<string, Body> }>
    >;
    components: { schemas: Record<string, Schema>; parameters: Record<string, Parameter> };
  };
  beforeAll(async () => {
    doc = JSON.parse(await renderOpenApi());
  });

  const resolve = (schema: Schema): Schema =>
    schema.$ref ? resolve(doc.components.schemas[schema.$ref.split('/').pop() ?? '']) : schema;
  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ where: `${method.toUpperCase()} ${path}`, op })),
    );
  const parameters = (op: { parameters?: Parameter[] }): Parameter[] =>
    (op.parameters ?? []).map((p) =>
      '$ref' in p ? doc.components.parameters[String(p.$ref).split('/').pop() ?? ''] : p,
    );

  /** Every schema reachable from `schema`, each once, with the path that reached it. */
  function* walk(schema: Schema, at: string, seen = new Set<Schema>()): Generator<[string, Schema]> {
    const s = resolve(schema);
    if (seen.has(s)) return;
    seen.add(s);
    yield [at, s];
    for (const [name, p] of Object.entries(s.properties ?? {})) yield* walk(p, `${at}.${name}`, seen);
    if (s.items) yield* walk(s.items, `${at}[]`, seen);
    for (const part of [...(s.allOf ?? []), ...(s.oneOf ?? [])]) yield* walk(part, at, seen);
    if (typeof s.additionalProperties === 'object') yield* walk(s.additionalProperties, `${at}{}`, seen);
  }

  /** A schema shows an example when it has one, or when each of its properties (or its items) does. */
  function hasExample(schema: Schema, depth = 0): boolean {
    const s = resolve(schema);
    if (s.example !== undefined || s.examples !== undefined) return true;
    if (depth > 8) return false;
    if (s.enum) return true; // Swagger UI shows the first value
    if (s.items) return hasExample(s.items, depth + 1);
    if (s.oneOf) return s.oneOf.every((o) => hasExample(o, depth + 1));
    if (s.allOf) return s.allOf.every((o) => hasExample(o, depth + 1));
    const properties = Object.values(s.properties ?? {});
    return properties.length > 0 && properties.every((p) => hasExample(p, depth + 1));
  }

  it('shows an example for at least 90% of request and response bodies', () => {
    const bodies: { where: string; shown: boolean }[] = [];
    for (const { where, op } of operations()) {
      const all = [['request', op.requestBody], ...Object.entries(op.responses).filter(([s]) => s.startsWith('2'))];
      for (const [label, body] of all as [string, Body | undefined][]) {
        for (const [type, media] of Object.entries(body?.content ?? {})) {
          const shown = media.example !== undefined || (media.schema ? hasExample(media.schema) : false);
          bodies.push({ where: `${where} ${label} ${type}`, shown });
        }
      }
    }
    const share = bodies.filter((b) => b.shown).length / bodies.length;
    expect({
      share: Math.round(share * 1000) / 10,
      without: bodies.filter((b) => !b.shown).map((b) => b.where),
    }).toMatchObject({ share: expect.any(Number) });
    expect(bodies.length).toBeGreaterThan(100);
    expect(share).toBeGreaterThanOrEqual(0.9);
  });

  it('gives no optional query parameter an example (Swagger UI would send it as a filter)', () => {
    const prefilled = operations().flatMap(({ where, op }) =>
      parameters(op)
        .filter((p) => p.in === 'query' && !p.required)
        .filter((p) => p.example !== undefined || p.examples !== undefined || p.schema?.example !== undefined)
        .map((p) => `${where} ?${p.name}`),
    );
    expect(prefilled).toEqual([]);
    // The control: a required query parameter may keep one (GET /v1/appointments has from and to).
    const required = parameters(doc.paths['/v1/appointments'].get).find((p) => p.name === 'from');
    expect(required).toMatchObject({ required: true, schema: { example: expect.any(String) } });
  });

  it('bounds every input string (maxLength or an enum), in bodies and parameters', () => {
    const unbounded: string[] = [];
    const check = (schema: Schema, at: string) => {
      for (const [path, s] of walk(schema, at))
        if (s.type === 'string' && s.maxLength === undefined && !s.enum) unbounded.push(path);
    };
    for (const { where, op } of operations()) {
      for (const p of parameters(op)) if (p.schema) check(p.schema, `${where} ${p.in}:${p.name}`);
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {}))
        if (media.schema) check(media.schema, `${where} ${type}`);
    }
    expect(unbounded).toEqual([]);
  });

  it('formats every timestamp as date-time, every calendar date as date and every id as uuid', () => {
    // The ids that are not UUIDs: the audit history's and the events' sequence numbers, strings of
    // digits, a webhook delivery's event (an event's id), and Stripe's price ids (`price_…`).
    const sequenceIds = new Set([
      'CheckoutInput.priceId',
      'AuditEntryOutput.id',
      'AuditPage.data[].id',
      'EventOutput.id',
      'EventPage.data[].id',
      'WebhookDeliveryOutput.eventId',
      'WebhookDeliveryPage.data[].eventId',
    ]);
    const wrong: string[] = [];
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      for (const [path, s] of walk(schema, name)) {
        if (s.type !== 'string') continue;
        const property = path.split('.').pop() ?? '';
        const example = typeof s.example === 'string' ? s.example : '';
        const want =
          /At$/.test(property) || /^\d{4}-\d{2}-\d{2}T/.test(example)
            ? 'date-time'
            : /^\d{4}-\d{2}-\d{2}$/.test(example)
              ? 'date'
              : /^(id|\w+Id)$/.test(property) && property !== 'requestId' && !sequenceIds.has(path)
                ? 'uuid'
                : undefined;
        if (want && s.format !== want) wrong.push(`${path}: ${s.format ?? 'no format'}, want ${want}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('makes the error code a closed set: an enum on ErrorBody and on every error response', () => {
    expect(resolve(doc.components.schemas.ErrorBody.properties?.code?.allOf?.[0] ?? {})).toMatchObject({
      enum: expect.arrayContaining(['NOT_FOUND', 'VALIDATION_FAILED']),
    });
    for (const { where, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses).filter(([s]) => /^[45]/.test(s))) {
        const schema = response.content?.['application/json']?.schema as Schema & { required?: string[] };
        expect({
          where,
          status,
          required: schema.required,
          enum: Array.isArray(schema.properties?.code?.enum),
        }).toEqual({ where, status, required: ['code'], enum: true });
      }
    }
  });

  it('describes timeline items as a union discriminated by type', () => {
    const items = doc.components.schemas.TimelinePage.properties?.data.items as Schema & {
      discriminator?: { propertyName: string; mapping: Record<string, string> };
    };
    expect(items.discriminator?.propertyName).toBe('type');
    expect(Object.keys(items.discriminator?.mapping ?? {}).sort()).toEqual([
      'activity',
      'appointment',
      'price_change',
      'stage_change',
      'status_change',
    ]);
    for (const [type, ref] of Object.entries(items.discriminator?.mapping ?? {})) {
      expect(resolve({ $ref: ref }).properties?.type).toMatchObject({ enum: [type] });
    }
  });
});

describe('Swagger UI', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await bootApp();
  });
  afterAll(() => t.close());

  it('serves the UI at /docs and the document at /docs/json', async () => {
    const ui = await t.http.get('/docs').redirects(1).expect(200);
    expect(ui.text).toContain('swagger-ui');
    const json = await t.http.get('/docs/json').expect(200);
    expect(json.body.paths['/v1/leads']).toBeDefined();
  });
});
