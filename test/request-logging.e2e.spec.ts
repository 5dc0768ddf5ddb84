import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { PinoLogger } from 'nestjs-pino';
import { bootApp, type TestApp } from './helpers/app.js';
import { as, createOrg, type Org } from './helpers/fixtures.js';

/** One line per request, at a level chosen by status, with its id — and nothing secret in it. */
describe('request logging', () => {
  let t: TestApp;
  let org: Org;
  const lines: { level: string; fields: Record<string, unknown>; msg: unknown }[] = [];

  beforeAll(async () => {
    t = await bootApp({ LOG_LEVEL: 'info' });
    for (const level of ['info', 'warn', 'error'] as const) {
      jest.spyOn(PinoLogger.root, level).mockImplementation(((fields: Record<string, unknown>, msg: unknown) => {
        if (msg === 'request completed') lines.push({ level, fields, msg });
      }) as never);
    }
    org = await createOrg(t.http, 'Logged');
  });
  afterAll(() => t.close());

  const lineFor = (requestId: string) => lines.find((l) => l.fields.requestId === requestId);

  it('logs a success at info and a client error at warn, with method, url, status and request id', async () => {
    const ok = await t.http.get('/v1/leads?pageSize=5').set(as(org.admin)).set('x-request-id', 'log-ok-1').expect(200);
    const bad = await t.http.get('/v1/leads/not-a-uuid').set(as(org.admin)).set('x-request-id', 'log-bad-1');
    expect(bad.status).toBe(400);
    expect(lineFor(ok.headers['x-request-id'])).toMatchObject({
      level: 'info',
      fields: { method: 'GET', url: '/v1/leads?pageSize=5', statusCode: 200 },
    });
    expect(lineFor('log-bad-1')).toMatchObject({ level: 'warn', fields: { statusCode: 400 } });
    expect(typeof lineFor('log-ok-1')?.fields.responseTime).toBe('number');
  });

  it('never logs headers or bodies: no token, no password', async () => {
    await t.http
      .post('/v1/auth/login')
      .set('x-request-id', 'log-login-1')
      .send({ email: 'nobody@example.com', password: 'Sup3r-secret-pass' });
    const line = lineFor('log-login-1');
    expect(line).toBeDefined();
    const text = JSON.stringify(lines);
    expect(text).not.toContain('Sup3r-secret-pass');
    expect(text).not.toContain(org.admin.token);
    expect(Object.keys(line!.fields).sort()).toEqual(['method', 'requestId', 'responseTime', 'statusCode', 'url']);
  });

  it('never logs an API key: not on creation, use, or refusal', async () => {
    const created = await t.http
      .post('/v1/api-keys')
      .set(as(org.admin, org.id))
      .set('x-request-id', 'log-key-create')
      .send({ name: 'Logged key', scopes: ['leads:read'] })
      .expect(201);
    const secret: string = created.body.secret;
    const bearer = { authorization: `Bearer ${secret}` };
    await t.http.get('/v1/leads').set(bearer).set('x-request-id', 'log-key-use').expect(200);
    await t.http.get('/v1/contacts').set(bearer).set('x-request-id', 'log-key-denied').expect(403);
    await t.http.delete(`/v1/api-keys/${created.body.id}`).set(as(org.admin, org.id)).expect(200);
    await t.http.get('/v1/leads').set(bearer).set('x-request-id', 'log-key-revoked').expect(401);
    for (const id of ['log-key-create', 'log-key-use', 'log-key-denied', 'log-key-revoked']) {
      expect(lineFor(id)).toBeDefined(); // control: each request was logged
    }
    expect(JSON.stringify(lines)).not.toContain(secret);
    expect(JSON.stringify(lines)).not.toContain(secret.slice(5, 25));
  });

  it('does not log health probes (the control above shows other requests are)', async () => {
    await t.http.get('/health/live').set('x-request-id', 'log-health-1').expect(200);
    expect(lineFor('log-health-1')).toBeUndefined();
  });

  it('writes real values through the root logger\u2019s serializers (no req/res keys they would rewrite)', async () => {
    // pino-http's serializers stay on the root logger; they turn a plain { statusCode } under `res` into null.
    const serialized: string[] = [];
    const root = PinoLogger.root as unknown as { [k: symbol]: unknown };
    const streamSym = Object.getOwnPropertySymbols(root).find((s) => s.description === 'pino.stream');
    expect(streamSym).toBeDefined();
    const stream = root[streamSym!] as { write: (s: string) => unknown };
    const write = jest.spyOn(stream, 'write').mockImplementation((s: string) => {
      serialized.push(s);
      return true;
    });
    jest.mocked(PinoLogger.root.info).mockRestore();
    await t.http.get('/v1/leads?pageSize=1').set(as(org.admin)).set('x-request-id', 'log-real-1').expect(200);
    write.mockRestore();
    const line = serialized.map((s) => JSON.parse(s)).find((l) => l.requestId === 'log-real-1');
    expect(line).toMatchObject({
      msg: 'request completed',
      method: 'GET',
      url: '/v1/leads?pageSize=1',
      statusCode: 200,
    });
  });
});
