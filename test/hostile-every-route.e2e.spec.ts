// Bad input never answers 500, on every route the OpenAPI document lists — including the
// ones added after this file: the routes are read from /docs/json, not listed here. Each
// operation gets hostile path parameters, query values and bodies; every answer must be a
// 4xx (or a success) in the documented error shape, without a stack trace. The control: the
// same walk with well-formed requests reaches the handlers (some answer 2xx).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootApp, type TestApp } from './helpers/app.js';
import { as, createOrg, type Org } from './helpers/fixtures.js';

type Json = Record<string, any>;
interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  op: Json;
}
interface Answer {
  status: number;
  body: any;
  text: string;
  headers: Record<string, string>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Operations answering a stream that stays open (Server-Sent Events): not walked. */
const streams = (op: Json) => Object.values<Json>(op.responses ?? {}).some((r) => r.content?.['text/event-stream']);

function operations(document: Json): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries<Json>(document.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (op && !streams(op)) out.push({ method, path, op });
    }
  }
  return out;
}

const resolve = (document: Json, schema: Json | undefined): Json | undefined =>
  schema?.$ref ? document.components.schemas[schema.$ref.split('/').pop()] : schema;

/** A value of the wrong type for a property of `schema`. */
function wrongValue(document: Json, schema: Json | undefined): unknown {
  const s = resolve(document, schema) ?? {};
  const type = s.type ?? (s.allOf || s.oneOf || s.anyOf || s.$ref ? 'object' : 'string');
  if (s.enum) return 'NOT_ONE_OF_THEM';
  switch (type) {
    case 'string':
      return { $gt: '' };
    case 'integer':
    case 'number':
      return '12abc';
    case 'boolean':
      return 'maybe';
    case 'array':
      return 'not-an-array';
    default:
      return 7;
  }
}

function jsonBodySchema(document: Json, op: Json): Json | undefined {
  return resolve(document, op.requestBody?.content?.['application/json']?.schema);
}

/** The documented refusal: a 4xx with {statusCode, code, message, requestId}, no stack. */
function expectRefusalShape(label: string, res: Answer): void {
  expect({ label, serverError: res.status >= 500 }).toEqual({ label, serverError: false });
  expect(res.text).not.toMatch(/\bat [\w.<>]+ \(.*\.(js|ts):\d+|RangeError|TypeError|PrismaClient/);
  if (res.status >= 400 && res.headers['content-type']?.includes('json')) {
    expect({ label, code: typeof res.body.code, requestId: typeof res.body.requestId }).toEqual({
      label,
      code: 'string',
      requestId: 'string',
    });
  }
}

describe('hostile input on every documented route', () => {
  let t: TestApp;
  let a: Org;
  let document: Json;
  let ops: Operation[];

  const send = async (
    method: Operation['method'],
    url: string,
    body?: string,
    headers: Record<string, string> = {},
  ): Promise<Answer> => {
    let req = t.http[method](url).set(as(a.admin, a.id)).set(headers);
    if (body !== undefined) req = req.set('content-type', 'application/json').send(body);
    const res = await req;
    return { status: res.status, body: res.body, text: res.text ?? '', headers: res.headers };
  };
  const fill = (path: string, value: string) => path.replace(/\{[^}]+\}/g, encodeURIComponent(value));

  beforeAll(async () => {
    t = await bootApp();
    a = await createOrg(t.http, 'Hostile Realty');
    document = (await t.http.get('/docs/json').expect(200)).body;
    ops = operations(document);
  });
  afterAll(() => t?.close());

  it('walks every operation of the document (the control: well-formed lists and reads answer 2xx)', async () => {
    expect(ops.length).toBeGreaterThan(100);
    let ok = 0;
    for (const { path } of ops.filter((o) => o.method === 'get' && !o.path.includes('{'))) {
      const res = await send('get', path);
      expectRefusalShape(`GET ${path}`, res);
      if (res.status < 300) ok++;
    }
    expect(ok).toBeGreaterThan(20);
  });

  it('answers malformed and unknown path parameters with a 4xx', async () => {
    for (const { method, path } of ops.filter((o) => o.path.includes('{'))) {
      for (const value of ['not-a-uuid', randomUUID(), '%00', 'x'.repeat(3000), '../../etc/passwd']) {
        const res = await send(method, fill(path, value), method === 'get' || method === 'delete' ? undefined : '{}');
        expectRefusalShape(`${method.toUpperCase()} ${path} with ${value.slice(0, 20)}`, res);
        expect(res.status).toBeGreaterThanOrEqual(400);
      }
    }
  });

  it('answers hostile query values with a 4xx or a normal answer', async () => {
    for (const { path, op } of ops.filter((o) => o.method === 'get')) {
      const names = (op.parameters ?? []).filter((p: Json) => p.in === 'query').map((p: Json) => p.name as string);
      if (!names.length) continue;
      const url = fill(path, randomUUID());
      for (const query of [
        names.map((n: string) => `${n}=%00`).join('&'),
        names.map((n: string) => `${n}=${'z'.repeat(5000)}`).join('&'),
        names.map((n: string) => `${n}[$gt]=1&${n}[]=a&${n}[]=b`).join('&'),
        names.map((n: string) => `${n}=-1e309`).join('&'),
      ]) {
        expectRefusalShape(`GET ${path}?${query.slice(0, 60)}`, await send('get', `${url}?${query}`));
      }
    }
  });

  it('answers hostile JSON bodies with a 4xx, naming a field where one is wrong', async () => {
    const withBody = ops.filter((o) => o.method !== 'get' && o.method !== 'delete' && jsonBodySchema(document, o.op));
    expect(withBody.length).toBeGreaterThan(30);
    let named = 0;
    for (const { method, path, op } of withBody) {
      const schema = jsonBodySchema(document, op)!;
      const url = fill(path, randomUUID());
      const wrong = Object.fromEntries(
        Object.entries<Json>(schema.properties ?? {}).map(([name, prop]) => [name, wrongValue(document, prop)]),
      );
      const bodies = [
        JSON.stringify(wrong),
        '[]',
        'null',
        '"just a string"',
        '{"name": "a\\u0000b", "email": "\\u0000"}',
        `${'['.repeat(3000)}${']'.repeat(3000)}`,
        '{"unterminated": ',
      ];
      for (const body of bodies) {
        const res = await send(method, url, body);
        expectRefusalShape(`${method.toUpperCase()} ${path} with ${body.slice(0, 40)}`, res);
        if (body === bodies[0] && res.status === 400 && res.body.details?.length) named++;
      }
    }
    // Collection routes validate the body before looking anything up: their wrong types are named.
    expect(named).toBeGreaterThan(15);
  });
});
