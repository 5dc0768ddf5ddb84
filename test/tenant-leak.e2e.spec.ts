import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DatabaseService } from '../src/database/database.service.js';
import { TenantDb, MissingTenantContextError } from '../src/database/tenant-db.js';
import { bootApp, type TestApp } from './helpers/app.js';
import { as, createLead, createOrg, type Org } from './helpers/fixtures.js';

/** With a single pooled connection every request reuses the previous one's session: nothing may carry over. */
describe('tenant context does not leak through the pool', () => {
  let t: TestApp;
  let a: Org;
  let b: Org;
  const leadsOf = new Map<string, Set<string>>();

  beforeAll(async () => {
    t = await bootApp({ DATABASE_POOL_SIZE: '1' });
    a = await createOrg(t.http, 'A');
    b = await createOrg(t.http, 'B');
    for (const org of [a, b]) {
      const ids = new Set<string>();
      for (let i = 0; i < 5; i++) ids.add((await createLead(t.http, org.admin, org.id)).id);
      leadsOf.set(org.id, ids);
    }
  });
  afterAll(() => t.close());

  it('alternating concurrent requests from two organizations each see only their own rows', async () => {
    const orgs = Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b));
    const responses = await Promise.all(
      orgs.map((org) =>
        t.http
          .get('/v1/leads?pageSize=100')
          .set(as(org.admin))
          .then((res) => ({ org, res })),
      ),
    );
    for (const { org, res } of responses) {
      expect(res.status).toBe(200);
      const ids = res.body.data.map((l: { id: string }) => l.id);
      expect(new Set(ids)).toEqual(leadsOf.get(org.id));
    }
  });

  it('alternating gets by id: own lead 200, the other organization\u2019s 404', async () => {
    const [leadA] = leadsOf.get(a.id)!;
    const [leadB] = leadsOf.get(b.id)!;
    const calls = Array.from({ length: 20 }, (_, i) =>
      i % 2
        ? t.http
            .get(`/v1/leads/${leadA}`)
            .set(as(a.admin))
            .then((r) => [r.status, 200])
        : t.http
            .get(`/v1/leads/${leadA}`)
            .set(as(b.admin))
            .then((r) => [r.status, 404]),
    );
    calls.push(
      t.http
        .get(`/v1/leads/${leadB}`)
        .set(as(b.admin))
        .then((r) => [r.status, 200]),
    );
    for (const [got, want] of await Promise.all(calls)) expect(got).toBe(want);
  });

  it('leaves the pooled session with no role or tenant settings after a request', async () => {
    await t.http.get('/v1/leads').set(as(a.admin)).expect(200);
    const prisma = t.app.get(DatabaseService).prisma;
    const [row] = await prisma.$queryRaw<{ org: string | null; role: string | null; who: string }[]>`
      SELECT current_setting('app.current_org_id', true) AS org,
             current_setting('app.current_role', true) AS role,
             current_user AS who`;
    expect(row.org ?? '').toBe('');
    expect(row.role ?? '').toBe('');
    expect(row.who).not.toBe('crm_app');
  });

  it('refuses tenant work with no tenant context instead of running unfiltered', async () => {
    const db = t.app.get(TenantDb);
    await expect(db.run(() => Promise.resolve(1))).rejects.toBeInstanceOf(MissingTenantContextError);
    expect(() => db.tx).toThrow(MissingTenantContextError);
  });
});
