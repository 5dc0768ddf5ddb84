import { beforeAll, describe, expect, it } from '@jest/globals';
import { addMember, as, createLead, createOrg, type Org, twoOrganizations } from './helpers/fixtures.js';

describe('leads', () => {
  const { t, a, b } = twoOrganizations();

  it('creates, reads, lists, updates, soft-deletes and restores', async () => {
    const lead = await createLead(t.http, a.admin, a.id, { email: 'x@y.io', scoreValue: 70, budget: '1200.5' });
    expect(lead).toMatchObject({ status: 'NEW_LEAD', score: 'HOT', budget: '1200.50', createdById: a.admin.id });
    expect(lead).not.toHaveProperty('organizationId');
    await t.http.get(`/v1/leads/${lead.id}`).set(as(a.admin)).expect(200);
    const patched = await t.http.patch(`/v1/leads/${lead.id}`).set(as(a.admin)).send({ scoreValue: 39 }).expect(200);
    expect(patched.body.score).toBe('COLD');
    await t.http.delete(`/v1/leads/${lead.id}`).set(as(a.admin)).expect(204);
    await t.http.get(`/v1/leads/${lead.id}`).set(as(a.admin)).expect(404);
    await t.http.post(`/v1/leads/${lead.id}/restore`).set(as(a.admin)).expect(200);
    await t.http.get(`/v1/leads/${lead.id}`).set(as(a.admin)).expect(200);
  });

  it.each([
    ['/v1/leads', { name: 'Tag Test' }],
    ['/v1/contacts', { name: 'Tag Test' }],
  ])('refuses a bare string as tags on %s (400, not a database error), and accepts a list', async (path, body) => {
    const bad = await t.http
      .post(path)
      .set(as(a.admin))
      .send({ ...body, tags: 'vip' })
      .expect(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.details.map((d: { field: string }) => d.field)).toContain('tags');
    const ok = await t.http
      .post(path)
      .set(as(a.admin))
      .send({ ...body, email: `tags-${path.length}@x.io`, tags: ['vip'] })
      .expect(201);
    expect(ok.body.tags).toEqual(['vip']);
  });

  // The global pipe answers an empty input of a class it has seen pass without validating it again.
  it('refuses an empty body with the same details every time, and reads a lead without a query string', async () => {
    const first = await t.http.post('/v1/leads').set(as(a.admin)).send({}).expect(400);
    expect(first.body.code).toBe('VALIDATION_FAILED');
    expect(first.body.details).toEqual([{ field: 'name', code: 'INVALID_TYPE', message: 'must be a string' }]);
    for (let i = 0; i < 2; i++) {
      const again = await t.http.post('/v1/leads').set(as(a.admin)).send({}).expect(400);
      expect(again.body.details).toEqual(first.body.details);
    }
    const lead = await createLead(t.http, a.admin, a.id);
    for (let i = 0; i < 2; i++) {
      const res = await t.http.get(`/v1/leads/${lead.id}`).set(as(a.admin)).expect(200);
      expect(res.body).toEqual(lead);
    }
  });

  it("hides org A's lead from org B on every verb, beside A's allowed control", async () => {
    const lead = await createLead(t.http, a.admin, a.id);
    await t.http.get(`/v1/leads/${lead.id}`).set(as(a.admin)).expect(200);
    await t.http.get(`/v1/leads/${lead.id}`).set(as(b.admin)).expect(404);
    await t.http.patch(`/v1/leads/${lead.id}`).set(as(b.admin)).send({ name: 'x' }).expect(404);
    await t.http.delete(`/v1/leads/${lead.id}`).set(as(b.admin)).expect(404);
    await t.http.post(`/v1/leads/${lead.id}/restore`).set(as(b.admin)).expect(404);
    const listB = await t.http.get('/v1/leads?pageSize=100').set(as(b.admin)).expect(200);
    expect(listB.body.data.map((l: { id: string }) => l.id)).not.toContain(lead.id);
    const listA = await t.http.get('/v1/leads?pageSize=100').set(as(a.admin)).expect(200);
    expect(listA.body.data.map((l: { id: string }) => l.id)).toContain(lead.id);
    const still = await t.http.get(`/v1/leads/${lead.id}`).set(as(a.admin)).expect(200);
    expect(still.body.name).toBe(lead.name);
  });

  it('lets an AGENT see only leads assigned to or created by them', async () => {
    const agent = await addMember(t.http, a, 'AGENT');
    const other = await createLead(t.http, a.admin, a.id);
    const assigned = await createLead(t.http, a.admin, a.id, { assignedToId: agent.id });
    const own = await createLead(t.http, agent, a.id);
    const list = await t.http.get('/v1/leads?pageSize=100').set(as(agent)).expect(200);
    const ids = list.body.data.map((l: { id: string }) => l.id);
    expect(ids).toEqual(expect.arrayContaining([assigned.id, own.id]));
    expect(ids).not.toContain(other.id);
    await t.http.get(`/v1/leads/${other.id}`).set(as(agent)).expect(404);
    await t.http.patch(`/v1/leads/${other.id}`).set(as(agent)).send({ name: 'x' }).expect(404);
    await t.http.patch(`/v1/leads/${assigned.id}`).set(as(agent)).send({ name: 'mine' }).expect(200);
  });

  describe('list', () => {
    let org: Org;
    const names = (res: { body: { data: { name: string }[] } }) => res.body.data.map((l) => l.name);

    beforeAll(async () => {
      org = await createOrg(t.http, 'List');
      const agent = await addMember(t.http, org, 'AGENT');
      const rows = [
        { name: 'Alice Hot', scoreValue: 90, source: 'REFERRAL', status: 'IN_CONTACT', tags: ['vip'], company: 'Acme' },
        { name: 'Bob Warm', scoreValue: 50, source: 'WEBSITE', email: 'bob@Example.com', tags: ['vip', 'condo'] },
        { name: 'Carol Cold', scoreValue: 10, source: 'EVENT', phone: '+1 415 555 0100', assignedToId: agent.id },
        { name: 'Dave Warm', scoreValue: 69, source: 'WEBSITE', status: 'LOST' },
      ];
      for (const row of rows) await createLead(t.http, org.admin, org.id, row);
    });

    it('paginates with meta and a stable default order (newest first)', async () => {
      const p1 = await t.http.get('/v1/leads?pageSize=3').set(as(org.admin)).expect(200);
      expect(p1.body.meta).toEqual({ page: 1, pageSize: 3, total: 4, totalPages: 2 });
      expect(names(p1)).toEqual(['Dave Warm', 'Carol Cold', 'Bob Warm']);
      const p2 = await t.http.get('/v1/leads?pageSize=3&page=2').set(as(org.admin)).expect(200);
      expect(names(p2)).toEqual(['Alice Hot']);
      expect(p2.body.meta).toEqual({ page: 2, pageSize: 3, total: 4, totalPages: 2 });
      // Past the last page: no rows, and the total is still counted.
      const p9 = await t.http.get('/v1/leads?pageSize=3&page=9').set(as(org.admin)).expect(200);
      expect(p9.body).toEqual({ data: [], meta: { page: 9, pageSize: 3, total: 4, totalPages: 2 } });
    });

    it('answers a list without a query string with page 1 of 25, before and after one with a query', async () => {
      for (const query of ['', '?page=2&pageSize=3', '']) {
        const res = await t.http.get(`/v1/leads${query}`).set(as(org.admin)).expect(200);
        expect(res.body.meta).toEqual(
          query
            ? { page: 2, pageSize: 3, total: 4, totalPages: 2 }
            : { page: 1, pageSize: 25, total: 4, totalPages: 1 },
        );
      }
    });

    it.each([
      ['status=IN_CONTACT,LOST', ['Alice Hot', 'Dave Warm']],
      ['status=IN_CONTACT&status=LOST', ['Alice Hot', 'Dave Warm']],
      ['source=WEBSITE', ['Bob Warm', 'Dave Warm']],
      ['score=WARM', ['Bob Warm', 'Dave Warm']],
      ['score=HOT,COLD', ['Alice Hot', 'Carol Cold']],
      ['tag=condo', ['Bob Warm']],
      ['q=example.COM', ['Bob Warm']],
      ['q=acme', ['Alice Hot']],
      ['q=555%200100', ['Carol Cold']],
      ['q=warm', ['Bob Warm', 'Dave Warm']],
    ])('filters by %s', async (query, expected) => {
      const res = await t.http.get(`/v1/leads?${query}&sort=name`).set(as(org.admin)).expect(200);
      expect(names(res)).toEqual(expected);
    });

    it('filters by assignee and by creation window', async () => {
      const members = await t.http.get('/v1/members').set(as(org.admin)).expect(200);
      const agentId = members.body.data.find((m: { role: string }) => m.role === 'AGENT').userId;
      const byAgent = await t.http.get(`/v1/leads?assignedToId=${agentId}`).set(as(org.admin)).expect(200);
      expect(names(byAgent)).toEqual(['Carol Cold']);
      const future = await t.http.get('/v1/leads?createdFrom=2199-01-01T00:00:00Z').set(as(org.admin)).expect(200);
      expect(future.body.data).toEqual([]);
      const past = await t.http.get('/v1/leads?createdTo=2199-01-01T00:00:00Z').set(as(org.admin)).expect(200);
      expect(past.body.meta.total).toBe(4);
    });

    it('sorts by several keys, descending with -', async () => {
      const res = await t.http.get('/v1/leads?sort=-scoreValue').set(as(org.admin)).expect(200);
      expect(names(res)).toEqual(['Alice Hot', 'Dave Warm', 'Bob Warm', 'Carol Cold']);
      const bySource = await t.http.get('/v1/leads?sort=-updatedAt,name').set(as(org.admin)).expect(200);
      expect(bySource.body.data).toHaveLength(4);
    });

    it('excludes soft-deleted leads', async () => {
      const lead = await createLead(t.http, org.admin, org.id, { name: 'Zed Gone' });
      await t.http.delete(`/v1/leads/${lead.id}`).set(as(org.admin)).expect(204);
      const res = await t.http.get('/v1/leads?q=zed').set(as(org.admin)).expect(200);
      expect(res.body.data).toEqual([]);
    });

    it.each([
      'pageSize=0',
      'pageSize=101',
      'page=0',
      'sort=bogus',
      'sort=-',
      'status=NOPE',
      'createdFrom=yesterday',
      'assignedToId=x',
    ])('rejects %s with 400', async (query) => {
      const res = await t.http.get(`/v1/leads?${query}`).set(as(org.admin)).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    });
  });
});
