import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bootApp, type TestApp } from './helpers/app.js';
import { addMember, as, createLead, createOrg, type Org } from './helpers/fixtures.js';

describe('leads', () => {
  let t: TestApp;
  let a: Org;
  let b: Org;

  beforeAll(async () => {
    t = await bootApp();
    [a, b] = [await createOrg(t.http, 'A'), await createOrg(t.http, 'B')];
  });
  afterAll(() => t.close());

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
});
