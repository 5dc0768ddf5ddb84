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
  let doc: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, any> } };

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

  it('documents a success response and the error shape for every operation', () => {
    for (const { path, method, op } of operations()) {
      const codes = Object.keys(op.responses);
      const success = codes.filter((c) => c.startsWith('2'));
      expect({ path, method, hasSuccess: success.length > 0 }).toMatchObject({ hasSuccess: true });
      if (!path.startsWith('/health')) {
        const errors = codes.filter((c) => /^[45]/.test(c));
        expect({ path, method, errors: errors.length > 0 }).toMatchObject({ errors: true });
        for (const code of errors) {
          const schema = op.responses[code].content?.['application/json']?.schema as { $ref?: string } | undefined;
          expect({ path, method, code, ref: schema?.$ref }).toMatchObject({ ref: '#/components/schemas/ErrorBody' });
        }
      }
    }
  });

  it('puts bearer auth and X-Organization-Id on every tenant route', () => {
    for (const { path, method, op } of operations()) {
      if (!/^\/v1\/(leads|members)/.test(path)) continue;
      expect({ path, method, security: op.security }).toMatchObject({ security: [{ bearer: [] }] });
      expect({ path, method, header: op.parameters?.some((p) => p.name === 'X-Organization-Id') }).toMatchObject({
        header: true,
      });
    }
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
