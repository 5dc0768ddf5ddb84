import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { OPENAPI_FILE, renderOpenApi } from '../src/openapi.cli.js';
import { bootApp, type TestApp } from './helpers/app.js';

type Operation = {
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
  security?: unknown[];
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
      expect({ path, method, security: op.security }).toEqual({
        path,
        method,
        security: [{ bearer: [], organization: [] }, { bearer: [] }],
      });
      expect({ path, method, header: op.parameters?.some((p) => p.name === 'X-Organization-Id') }).toMatchObject({
        header: false,
      });
    }
    expect(doc.components).toMatchObject({
      securitySchemes: { organization: { type: 'apiKey', in: 'header', name: 'X-Organization-Id' } },
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
