import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootApp, type TestApp } from './helpers/app.js';
import { as, signup, type User, twoOrganizations } from './helpers/fixtures.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A token counts against its user once it has been verified; its first request, which
 * verifies it, counts against the client IP.
 */
async function warm(t: TestApp, user: User, orgId?: string): Promise<void> {
  await t.http.get('/v1/me').set(as(user, orgId)).expect(200);
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('rate limits (in memory)', () => {
  const { t, a, b } = twoOrganizations({ RATE_LIMIT_PER_MINUTE: '5', PUBLIC_RATE_LIMIT_PER_MINUTE: '50' });

  it('sends RateLimit headers on every response, success and error alike', async () => {
    const user = await signup(t.http);
    await warm(t, user);
    const ok = await t.http.get('/v1/organizations').set(as(user)).expect(200);
    expect(ok.headers['ratelimit-limit']).toBe('5');
    expect(Number(ok.headers['ratelimit-remaining'])).toBeLessThan(5);
    expect(Number(ok.headers['ratelimit-reset'])).toBeGreaterThan(0);
    const missing = await t.http.get(`/v1/organizations/${randomUUID()}`).set(as(user)).expect(404);
    expect(missing.headers['ratelimit-limit']).toBe('5');
    // Anonymous requests draw from the per-IP budget.
    const anonymous = await t.http.get('/v1/leads').expect(401);
    expect(anonymous.headers['ratelimit-limit']).toBe('50');
  });

  it('answers 429 RATE_LIMITED with Retry-After once a user spends their budget; others keep theirs', async () => {
    const user = await signup(t.http);
    const other = await signup(t.http);
    await warm(t, user);
    await warm(t, other);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await t.http.get('/v1/me').set(as(user))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const refused = await t.http.get('/v1/organizations').set(as(user)).expect(429);
    expect(refused.body).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED', requestId: expect.any(String) });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    // Control: another user is unaffected.
    await t.http.get('/v1/me').set(as(other)).expect(200);
  });

  it('counts each organization of a user separately', async () => {
    const admin = a.admin; // its token was verified when it created the organization
    for (let i = 0; i < 5; i++) await t.http.get('/v1/leads').set(as(admin, a.id)).expect(200);
    await t.http.get('/v1/leads').set(as(admin, a.id)).expect(429);
    // The same user outside that organization, and another organization's admin, keep their budgets.
    await t.http.get('/v1/me').set(as(admin)).expect(200);
    await t.http.get('/v1/leads').set(as(b.admin, b.id)).expect(200);
  });

  it('does not count health probes', async () => {
    for (let i = 0; i < 60; i++) await t.http.get('/health/live').expect(200);
    const probe = await t.http.get('/health/live').expect(200);
    expect(probe.headers['ratelimit-limit']).toBeUndefined();
  });
});

describe('rate limits shared through Redis', () => {
  let one: TestApp;
  let two: TestApp;

  beforeAll(async () => {
    const env = { RATE_LIMIT_PER_MINUTE: '4', REDIS_URL };
    one = await bootApp(env);
    two = await bootApp(env, one.db); // two replicas of one deployment: one database
  });
  afterAll(async () => {
    await one.close();
    await two.close();
  });

  it('spends one budget across two API processes, per user', async () => {
    // Both apps serve one database: an embedded-auth token and its session are valid on both.
    const user = await signup(one.http);
    const other = await signup(one.http);
    await warm(one, user);
    await one.http.get('/v1/me').set(as(user)).expect(200); // 1
    await two.http.get('/v1/me').set(as(user)).expect(200); // 2
    await one.http.get('/v1/me').set(as(user)).expect(200); // 3
    await two.http.get('/v1/me').set(as(user)).expect(200); // 4
    const refused = await one.http.get('/v1/me').set(as(user)).expect(429);
    expect(refused.body.code).toBe('RATE_LIMITED');
    await two.http.get('/v1/me').set(as(user)).expect(429);
    // Control: another user still has their own budget on both.
    await warm(two, other);
    await one.http.get('/v1/me').set(as(other)).expect(200);
  });
});

describe('rate limits when Redis is down', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await bootApp({ RATE_LIMIT_PER_MINUTE: '2', REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
  });
  afterAll(() => t.close());

  it('lets requests through rather than failing them', async () => {
    const user = await signup(t.http);
    for (let i = 0; i < 5; i++) await t.http.get('/v1/me').set(as(user)).expect(200);
  });
});
