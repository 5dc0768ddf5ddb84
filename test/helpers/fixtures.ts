import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from '@jest/globals';
import type TestAgent from 'supertest/lib/agent.js';
import { bootApp, databaseOf, type TestApp } from './app.js';

export interface User {
  id: string;
  email: string;
  token: string;
}

export interface Org {
  id: string;
  admin: User;
}

/** Authorization (and optional organization) headers for supertest's .set(). */
export function as(user: User, orgId?: string): Record<string, string> {
  return { authorization: `Bearer ${user.token}`, ...(orgId ? { 'x-organization-id': orgId } : {}) };
}

export async function signup(http: TestAgent, name = 'Test User'): Promise<User> {
  const email = `u-${randomUUID().slice(0, 8)}@example.test`;
  const res = await http
    .post('/v1/auth/signup')
    .send({ email, password: 'Harbor-lights-2026', fullName: name })
    .expect(201);
  return { id: res.body.user.id, email, token: res.body.accessToken };
}

export async function createOrg(http: TestAgent, name = 'Brokerage'): Promise<Org> {
  const admin = await signup(http, `${name} Admin`);
  const res = await http.post('/v1/organizations').set(as(admin)).send({ name }).expect(201);
  return { id: res.body.id, admin };
}

/**
 * TEST-ONLY SHORTCUT: marks the user's address verified directly in the database (as the
 * owner, which the profiles trigger allows; the API's role cannot), standing in for the
 * emailed link of the real flow (test/email-verification.e2e.spec.ts covers that flow).
 */
export async function markEmailVerified(http: TestAgent, userId: string): Promise<void> {
  const db = databaseOf(http);
  if (!db) throw new Error('markEmailVerified: this http client was not made by bootApp');
  await db.admin.query('UPDATE profiles SET email_verified_at = now() WHERE id = $1', [userId]);
}

/**
 * Signs up a new user, verifies their address (markEmailVerified: POST /v1/members adds
 * verified accounts only) and adds them to org with the given role.
 */
export async function addMember(
  http: TestAgent,
  org: Org,
  role: 'ADMIN' | 'MANAGER' | 'AGENT' | 'VIEWER',
): Promise<User> {
  const user = await signup(http, `${role} user`);
  await markEmailVerified(http, user.id);
  await http.post('/v1/members').set(as(org.admin, org.id)).send({ email: user.email, role }).expect(201);
  return user;
}

export async function createLead(
  http: TestAgent,
  user: User,
  orgId: string,
  body: Record<string, unknown> = {},
): Promise<Record<string, any>> {
  const res = await http
    .post('/v1/leads')
    .set(as(user, orgId))
    .send({ name: `Lead ${randomUUID().slice(0, 6)}`, ...body })
    .expect(201);
  return res.body;
}

/**
 * The cross-tenant setup most specs share: before all tests, boots the app (with env) and creates
 * organizations A and B, each with its admin; after all, closes the app. Call it in the
 * describe block: the objects it returns are filled in before the first test runs, so read them
 * only inside hooks and tests.
 */
export function twoOrganizations(env: Record<string, string> = {}): { t: TestApp; a: Org; b: Org } {
  const t = {} as TestApp;
  const a = {} as Org;
  const b = {} as Org;
  beforeAll(async () => {
    Object.assign(t, await bootApp(env));
    Object.assign(a, await createOrg(t.http, 'A'));
    Object.assign(b, await createOrg(t.http, 'B'));
  });
  // If boot failed, its own error is the one to see, not "close is not a function".
  afterAll(() => t.close?.());
  return { t, a, b };
}
