import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { bootApp, LOCAL_SECRET, type TestApp } from './helpers/app.js';
import { freshDatabase, usingPostgres } from './helpers/database.js';
import { as, createLead, createOrg, signup, type Org, type User, twoOrganizations } from './helpers/fixtures.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The documented error shape, and nothing that reveals internals. */
function expectError(
  res: { status: number; body: any; headers: Record<string, any> },
  statusCode: number,
  code: string,
) {
  expect(res.status).toBe(statusCode);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.body;
  expect(body).toMatchObject({ statusCode, code, message: expect.any(String), requestId: expect.any(String) });
  for (const key of Object.keys(body))
    expect(['statusCode', 'code', 'message', 'details', 'ref', 'requestId']).toContain(key);
  expect(body).not.toHaveProperty('stack');
  expect(body.message).not.toMatch(/SELECT|INSERT|UPDATE .* SET|prisma|\bat .*\.(ts|js):\d+/i);
  expect(JSON.stringify(body)).not.toMatch(/prisma|node_modules|\.ts:\d+|\.js:\d+/i);
  if (body.details !== undefined) {
    expect(body.details).toEqual(expect.any(Array));
    for (const d of body.details) {
      expect(d).toEqual({ field: expect.any(String), message: expect.any(String), code: expect.any(String) });
    }
  }
  expect(body.requestId).toBe(res.headers['x-request-id']);
}

/** A local-auth token for a user id, minted like the embedded auth does. */
const tokenFor = (sub: string) =>
  jwt.sign({ email: `${sub.slice(0, 8)}@example.test`, role: 'authenticated' }, LOCAL_SECRET, {
    algorithm: 'HS256',
    subject: sub,
    audience: 'authenticated',
    issuer: 'brokerage-crm',
    expiresIn: 600,
  });

describe('errors', () => {
  const { t, a, b } = twoOrganizations();

  describe('request bodies', () => {
    it('refuses an unknown body field with 400 VALIDATION_FAILED naming it', async () => {
      const res = await t.http.post('/v1/leads').set(as(a.admin)).send({ name: 'Lead', bogus: 1 });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details).toEqual([{ field: 'bogus', message: 'is not an allowed field', code: 'UNKNOWN_FIELD' }]);
      // Control: the same body without it.
      await t.http.post('/v1/leads').set(as(a.admin)).send({ name: 'Lead' }).expect(201);
    });

    it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
      const res = await t.http
        .post('/v1/leads')
        .set(as(a.admin))
        .set('content-type', 'application/json')
        .send('{"name": "Lead",');
      expectError(res, 400, 'MALFORMED_JSON');
      await t.http
        .post('/v1/leads')
        .set(as(a.admin))
        .set('content-type', 'application/json')
        .send('{"name": "Lead"}')
        .expect(201);
    });

    it('takes an empty body labelled application/json as no body: a route without one works, one that needs one names the fields', async () => {
      const json = { 'content-type': 'application/json' };
      await t.http.post('/v1/notifications/read-all').set(as(a.admin)).set(json).send('').expect(200);
      const res = await t.http.post('/v1/leads').set(as(a.admin)).set(json).send('');
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'name' })]));
      // Whitespace is not empty: it is malformed JSON, as before.
      expectError(await t.http.post('/v1/leads').set(as(a.admin)).set(json).send(' '), 400, 'MALFORMED_JSON');
    });

    it('answers a text/plain body with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const res = await t.http
        .post('/v1/leads')
        .set(as(a.admin))
        .set('content-type', 'text/plain')
        .send('{"name": "Lead"}');
      expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers a body over 1 MB with 413 PAYLOAD_TOO_LARGE', async () => {
      const big = JSON.stringify({ name: 'Lead', notes: 'x'.repeat(1_100_000) });
      const res = await t.http.post('/v1/leads').set(as(a.admin)).set('content-type', 'application/json').send(big);
      expectError(res, 413, 'PAYLOAD_TOO_LARGE');
      // Control: a body just under the limit is parsed (and then validated: notes ≤ 10 000 chars).
      const under = JSON.stringify({ name: 'Lead', notes: 'x'.repeat(1_000_000) });
      const parsed = await t.http
        .post('/v1/leads')
        .set(as(a.admin))
        .set('content-type', 'application/json')
        .send(under);
      expectError(parsed, 400, 'VALIDATION_FAILED');
      expect(parsed.body.details).toEqual([expect.objectContaining({ field: 'notes' })]);
    });
  });

  describe('routes and ids', () => {
    it('refuses a non-UUID path id with 400 before any query', async () => {
      for (const verb of ['get', 'patch', 'delete'] as const) {
        const res = await t.http[verb]('/v1/leads/not-a-uuid').set(as(a.admin)).send({});
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(res.body.details).toEqual([expect.objectContaining({ field: 'id' })]);
      }
      const restore = await t.http.post('/v1/leads/123/restore').set(as(a.admin));
      expectError(restore, 400, 'VALIDATION_FAILED');
      const org = await t.http.get("/v1/organizations/1' OR '1'='1").set(as(a.admin));
      expectError(org, 400, 'VALIDATION_FAILED');
      // Control: a well-formed unknown id is a 404.
      expectError(await t.http.get(`/v1/leads/${randomUUID()}`).set(as(a.admin)), 404, 'NOT_FOUND');
    });

    it('answers an unknown route with 404 ROUTE_NOT_FOUND in JSON', async () => {
      expectError(await t.http.get('/v1/no-such-thing').set(as(a.admin)), 404, 'ROUTE_NOT_FOUND');
      expectError(await t.http.delete('/v1/organizations').set(as(a.admin)), 404, 'ROUTE_NOT_FOUND');
      expectError(await t.http.get('/v2/leads').set(as(a.admin)), 404, 'ROUTE_NOT_FOUND');
      await t.http.get('/v1/leads').set(as(a.admin)).expect(200);
    });
  });

  describe('organization selection', () => {
    it('refuses an X-Organization-Id that is not a UUID with 400', async () => {
      const res = await t.http.get('/v1/leads').set(as(a.admin, 'not-a-uuid'));
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'X-Organization-Id' })]);
    });

    it("refuses another organization's id with 403 NOT_A_MEMBER; your own is 200", async () => {
      expectError(await t.http.get('/v1/leads').set(as(a.admin, b.id)), 403, 'NOT_A_MEMBER');
      expectError(await t.http.post('/v1/leads').set(as(a.admin, b.id)).send({ name: 'x' }), 403, 'NOT_A_MEMBER');
      expectError(await t.http.get('/v1/leads').set(as(a.admin, randomUUID())), 403, 'NOT_A_MEMBER');
      await t.http.get('/v1/leads').set(as(a.admin, a.id)).expect(200);
      await t.http.get('/v1/leads').set(as(b.admin, b.id)).expect(200);
    });

    it('requires X-Organization-Id (400 ORGANIZATION_REQUIRED) from a member of two organizations', async () => {
      const user = await signup(t.http, 'Two Orgs');
      const first = await t.http.post('/v1/organizations').set(as(user)).send({ name: 'One' }).expect(201);
      // Control: with one organization the header is optional.
      await t.http.get('/v1/leads').set(as(user)).expect(200);
      await t.http.post('/v1/organizations').set(as(user)).send({ name: 'Two' }).expect(201);
      expectError(await t.http.get('/v1/leads').set(as(user)), 400, 'ORGANIZATION_REQUIRED');
      await t.http.get('/v1/leads').set(as(user, first.body.id)).expect(200);
    });

    it('answers a user in no organization with 403 NOT_A_MEMBER', async () => {
      const loner = await signup(t.http, 'Loner');
      expectError(await t.http.get('/v1/leads').set(as(loner)), 403, 'NOT_A_MEMBER');
      expectError(await t.http.get('/v1/members').set(as(loner)), 403, 'NOT_A_MEMBER');
      // Control: user-scoped routes still work for them.
      await t.http.get('/v1/me').set(as(loner)).expect(200);
    });
  });

  describe('query and body validation', () => {
    it.each([
      ['pageSize=101', 'pageSize=100', 'pageSize'],
      ['pageSize=0', 'pageSize=1', 'pageSize'],
      ['page=0', 'page=1', 'page'],
      ['page=abc', 'page=2', 'page'],
      ['sort=bogus', 'sort=-name,createdAt', 'sort'],
      ['sort=-createdAt;DROP TABLE leads', 'sort=-createdAt', 'sort'],
      ['status=NOPE', 'status=NEW_LEAD,LOST', 'status'],
      ['score=LUKEWARM', 'score=HOT', 'score'],
      ['assignedToId=nope', `assignedToId=${randomUUID()}`, 'assignedToId'],
      ['createdFrom=yesterday', 'createdFrom=2026-01-01T00:00:00Z', 'createdFrom'],
      ['unknownFilter=1', 'q=x', 'unknownFilter'],
    ])('GET /v1/leads?%s → 400 (control %s → 200)', async (bad, good, field) => {
      const res = await t.http.get(`/v1/leads?${bad}`).set(as(a.admin));
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      await t.http.get(`/v1/leads?${good}`).set(as(a.admin)).expect(200);
    });

    it.each([
      [{ scoreValue: 101 }, { scoreValue: 100 }, 'scoreValue'],
      [{ scoreValue: -1 }, { scoreValue: 0 }, 'scoreValue'],
      [{ scoreValue: '50' }, { scoreValue: 50 }, 'scoreValue'],
      [{ budget: 'lots' }, { budget: '1200.50' }, 'budget'],
      [{ budget: '-5' }, { budget: '5' }, 'budget'],
      [{ budget: '1.234' }, { budget: '1.23' }, 'budget'],
      [{ budget: 1200 }, { budget: '1200' }, 'budget'],
      [{ budget: '12345678901' }, { budget: '1234567890' }, 'budget'],
      [{ status: 'NOPE' }, { status: 'QUALIFIED' }, 'status'],
      [{ email: 'not-an-email' }, { email: 'ok@example.test' }, 'email'],
      [{ name: '' }, { name: 'Named' }, 'name'],
    ])('POST /v1/leads with %j → 400 (control %j → 201)', async (bad, good, field) => {
      const res = await t.http
        .post('/v1/leads')
        .set(as(a.admin))
        .send({ name: 'Lead', ...bad });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      await t.http
        .post('/v1/leads')
        .set(as(a.admin))
        .send({ name: 'Lead', ...good })
        .expect(201);
    });

    it('validates PATCH bodies the same way and leaves the row untouched', async () => {
      const lead = await createLead(t.http, a.admin, a.id, { scoreValue: 10, budget: '5.00' });
      expectError(
        await t.http.patch(`/v1/leads/${lead.id}`).set(as(a.admin)).send({ scoreValue: 101 }),
        400,
        'VALIDATION_FAILED',
      );
      expectError(
        await t.http.patch(`/v1/leads/${lead.id}`).set(as(a.admin)).send({ budget: 'cheap' }),
        400,
        'VALIDATION_FAILED',
      );
      expectError(
        await t.http.patch(`/v1/leads/${lead.id}`).set(as(a.admin)).send({ organizationId: b.id }),
        400,
        'VALIDATION_FAILED',
      );
      const after = await t.http.get(`/v1/leads/${lead.id}`).set(as(a.admin)).expect(200);
      expect(after.body).toMatchObject({ scoreValue: 10, budget: '5.00' });
      await t.http.patch(`/v1/leads/${lead.id}`).set(as(a.admin)).send({ scoreValue: 100 }).expect(200);
    });
  });

  it('sends the security headers on API answers and errors alike, with a CSP that lets Swagger UI run', async () => {
    for (const res of [await t.http.get('/health/live').expect(200), await t.http.get('/v1/me').expect(401)]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'");
      expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    }
  });

  describe('x-request-id', () => {
    it('echoes a sane id in the header and in an error body', async () => {
      const id = `req-${randomUUID()}`;
      const ok = await t.http.get('/health/live').set('x-request-id', id).expect(200);
      expect(ok.headers['x-request-id']).toBe(id);
      const err = await t.http.get('/v1/me').set('x-request-id', 'abc.DEF_123:xyz-9');
      expectError(err, 401, 'UNAUTHORIZED');
      expect(err.headers['x-request-id']).toBe('abc.DEF_123:xyz-9');
      expect(err.body.requestId).toBe('abc.DEF_123:xyz-9');
    });

    it('generates a UUID when none is sent, different per request', async () => {
      const one = await t.http.get('/v1/me');
      const two = await t.http.get('/v1/me');
      expectError(one, 401, 'UNAUTHORIZED');
      expect(one.headers['x-request-id']).toMatch(UUID_RE);
      expect(one.body.requestId).toBe(one.headers['x-request-id']);
      expect(two.headers['x-request-id']).toMatch(UUID_RE);
      expect(two.headers['x-request-id']).not.toBe(one.headers['x-request-id']);
    });

    it.each([
      ['300 characters', 'a'.repeat(300)],
      ['spaces', 'hello world'],
      ['a log-injection attempt', 'id"}{"level":"fatal'],
      ['an empty value', ''],
    ])('replaces an unsafe id (%s) with a generated UUID', async (_label, unsafe) => {
      const res = await t.http.get('/v1/me').set('x-request-id', unsafe);
      expectError(res, 401, 'UNAUTHORIZED');
      expect(res.headers['x-request-id']).not.toBe(unsafe);
      expect(res.headers['x-request-id']).toMatch(UUID_RE);
      expect(res.body.requestId).toBe(res.headers['x-request-id']);
    });

    it('accepts an id of exactly 128 safe characters (boundary control)', async () => {
      const id = 'b'.repeat(128);
      const res = await t.http.get('/health/live').set('x-request-id', id).expect(200);
      expect(res.headers['x-request-id']).toBe(id);
      const longer = await t.http.get('/health/live').set('x-request-id', `${id}b`).expect(200);
      expect(longer.headers['x-request-id']).toMatch(UUID_RE);
    });
  });

  describe('health', () => {
    it('live → 200 {status: ok}; ready → 200 with the database up', async () => {
      const live = await t.http.get('/health/live').expect(200);
      expect(live.body).toEqual({ status: 'ok' });
      const ready = await t.http.get('/health/ready').expect(200);
      expect(ready.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
    });
  });
});

describe('errors: database unavailable', () => {
  /** Control: the app is healthy and serves a real user before the database goes away. */
  async function healthyControl(t: TestApp): Promise<Org> {
    const org = await createOrg(t.http, 'Doomed');
    await t.http.get('/health/ready').expect(200);
    await t.http.get('/v1/leads').set(as(org.admin)).expect(200);
    await t.http.get('/v1/me').set(as(org.admin)).expect(200);
    return org;
  }

  /** A TCP proxy to host:port that can be shut, destroying every open connection. */
  async function tcpProxy(host: string, port: number) {
    const sockets = new Set<Socket>();
    let opened = 0;
    const server = createServer((client) => {
      opened++;
      const upstream = connect(port, host);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => {
          sockets.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    let shut: Promise<void> | undefined;
    return {
      port: (server.address() as AddressInfo).port,
      connections: () => opened,
      shut() {
        shut ??= new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const s of sockets) s.destroy();
        });
        return shut;
      },
    };
  }

  /** 503 DATABASE_UNAVAILABLE on tenant, user and auth routes; readiness down; liveness still up. */
  async function expectUnavailable(t: TestApp, user: User) {
    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).not.toHaveProperty('stack');
    expect(JSON.stringify(ready.body)).not.toMatch(/prisma|SELECT|ECONNREFUSED|node_modules/i);
    await t.http.get('/health/live').expect(200);

    const leads = await t.http.get('/v1/leads').set(as(user));
    expectError(leads, 503, 'DATABASE_UNAVAILABLE');
    expect(Number(leads.headers['retry-after'])).toBeGreaterThan(0);
    expectError(await t.http.get('/v1/me').set(as(user)), 503, 'DATABASE_UNAVAILABLE');
    const login = await t.http.post('/v1/auth/login').send({ email: user.email, password: 'Harbor-lights-2026' });
    expectError(login, 503, 'DATABASE_UNAVAILABLE');
    // A brand-new identity (profile provisioning in the guard) is 503 too, not 500.
    expectError(
      await t.http.get('/v1/leads').set(as({ ...user, token: tokenFor(randomUUID()) })),
      503,
      'DATABASE_UNAVAILABLE',
    );
  }

  it('boots against an unreachable DATABASE_URL and answers 503 (both databases)', async () => {
    const t = await bootApp({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/none', MIGRATE_ON_BOOT: 'false' });
    try {
      const sub = randomUUID();
      await expectUnavailable(t, { id: sub, email: `${sub.slice(0, 8)}@example.test`, token: tokenFor(sub) });
      // Still no stack on a write.
      expectError(
        await t.http
          .post('/v1/organizations')
          .set({ authorization: `Bearer ${tokenFor(sub)}` })
          .send({ name: 'X' }),
        503,
        'DATABASE_UNAVAILABLE',
      );
    } finally {
      await t.close();
    }
  });

  it('answers 503 when the database goes away after boot', async () => {
    if (usingPostgres()) {
      // Postgres: the app reaches the server through a TCP proxy that the test then shuts,
      // cutting the pool's open connections and refusing new ones, as an outage would.
      const db = await freshDatabase();
      const upstream = new URL(db.url!);
      const proxy = await tcpProxy(upstream.hostname, Number(upstream.port || 5432));
      const viaProxy = new URL(db.url!);
      viaProxy.host = `127.0.0.1:${proxy.port}`;
      const t = await bootApp({ DATABASE_URL: viaProxy.toString(), MIGRATE_ON_BOOT: 'false' });
      try {
        const org = await healthyControl(t);
        expect(proxy.connections()).toBeGreaterThan(0);
        await proxy.shut();
        await expectUnavailable(t, org.admin);
      } finally {
        await proxy.shut();
        await t.close();
        await db.drop();
      }
      return;
    }
    // PGlite: close the embedded database under the running app.
    const t = await bootApp();
    try {
      const org = await healthyControl(t);
      await t.db.pglite!.close();
      await expectUnavailable(t, org.admin);
    } finally {
      // The helper would close PGlite a second time: close the app and its data dir by hand.
      await t.app.close();
      rmSync(t.config.dataDir, { recursive: true, force: true });
    }
  });
});
