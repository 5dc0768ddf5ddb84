// Issue 17, item 1: a lead's campaignId and priority — on create, update, output, the list's filters,
// bulk update and include=campaign.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { addMember, as, createLead, type User, twoOrganizations } from './helpers/fixtures.js';

type Body = Record<string, any>;
const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((x) => x.id);

describe('leads: campaignId and priority', () => {
  const { t, a, b } = twoOrganizations();
  let agent: User;
  let spring: Body;
  let fall: Body;
  let foreign: Body;

  const campaign = async (user: User, orgId: string, name: string): Promise<Body> =>
    (await t.http.post('/v1/campaigns').set(as(user, orgId)).send({ name }).expect(201)).body;

  beforeAll(async () => {
    agent = await addMember(t.http, a, 'AGENT');
    spring = await campaign(a.admin, a.id, 'Spring');
    fall = await campaign(a.admin, a.id, 'Fall');
    foreign = await campaign(b.admin, b.id, 'Theirs');
  });

  it('defaults priority to MEDIUM and campaignId to null, and takes both on create and update', async () => {
    const plain = await createLead(t.http, a.admin, a.id);
    expect(plain).toMatchObject({ priority: 'MEDIUM', campaignId: null });
    const lead = await createLead(t.http, agent, a.id, { priority: 'URGENT', campaignId: spring.id });
    expect(lead).toMatchObject({ priority: 'URGENT', campaignId: spring.id });
    const patched = await t.http
      .patch(`/v1/leads/${lead.id}`)
      .set(as(agent, a.id))
      .send({ priority: 'LOW', campaignId: fall.id })
      .expect(200);
    expect(patched.body).toMatchObject({ priority: 'LOW', campaignId: fall.id });
    const detached = await t.http.patch(`/v1/leads/${lead.id}`).set(as(agent, a.id)).send({ campaignId: null });
    expect(detached.body).toMatchObject({ priority: 'LOW', campaignId: null });
    const read = await t.http.get(`/v1/leads/${lead.id}`).set(as(agent, a.id)).expect(200);
    expect(read.body).toMatchObject({ priority: 'LOW', campaignId: null });
  });

  it("refuses another organization's, an unknown or a deleted campaign (422 INVALID_REFERENCE) and a bad priority (400)", async () => {
    const refused = async (campaignId: string) => {
      const res = await t.http.post('/v1/leads').set(as(a.admin, a.id)).send({ name: 'x', campaignId }).expect(422);
      expect(res.body).toMatchObject({ code: 'INVALID_REFERENCE', details: [{ field: 'campaignId' }] });
    };
    await refused(foreign.id);
    await refused('00000000-0000-4000-8000-000000000000');
    const gone = await campaign(a.admin, a.id, 'Gone');
    await t.http.delete(`/v1/campaigns/${gone.id}`).set(as(a.admin, a.id)).expect(204);
    await refused(gone.id);
    const lead = await createLead(t.http, a.admin, a.id);
    const patch = await t.http.patch(`/v1/leads/${lead.id}`).set(as(a.admin, a.id)).send({ campaignId: foreign.id });
    expect(patch.status).toBe(422);
    expect(patch.body.code).toBe('INVALID_REFERENCE');
    const bad = await t.http.post('/v1/leads').set(as(a.admin, a.id)).send({ name: 'x', priority: 'ASAP' }).expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field)).toContain('priority');
    // Allowed control: B's own campaign, in B.
    await createLead(t.http, b.admin, b.id, { campaignId: foreign.id });
  });

  it('filters the list by campaignId and by priority (comma-separated, like status)', async () => {
    const s1 = await createLead(t.http, a.admin, a.id, { campaignId: spring.id, priority: 'HIGH' });
    const s2 = await createLead(t.http, a.admin, a.id, { campaignId: spring.id, priority: 'LOW' });
    const f1 = await createLead(t.http, a.admin, a.id, { campaignId: fall.id, priority: 'URGENT' });
    const none = await createLead(t.http, a.admin, a.id, { priority: 'HIGH' });
    const list = async (query: string) =>
      ids(await t.http.get(`/v1/leads?pageSize=100&${query}`).set(as(a.admin, a.id)).expect(200));
    const bySpring = await list(`campaignId=${spring.id}`);
    expect(bySpring).toEqual(expect.arrayContaining([s1.id, s2.id]));
    expect(bySpring).not.toContain(f1.id);
    expect(bySpring).not.toContain(none.id);
    const urgentOrHigh = await list('priority=HIGH,URGENT');
    expect(urgentOrHigh).toEqual(expect.arrayContaining([s1.id, f1.id, none.id]));
    expect(urgentOrHigh).not.toContain(s2.id);
    expect(await list('priority=HIGH&priority=URGENT')).toEqual(urgentOrHigh);
    expect(await list(`campaignId=${spring.id}&priority=LOW`)).toEqual([s2.id]);
    expect(await list(`campaignId=${foreign.id}`)).toEqual([]);
    await t.http.get('/v1/leads?priority=ASAP').set(as(a.admin, a.id)).expect(400);
    await t.http.get('/v1/leads?campaignId=nope').set(as(a.admin, a.id)).expect(400);
  });

  it('expands include=campaign, null for none or for a deleted campaign', async () => {
    const temp = await campaign(a.admin, a.id, 'Temporary');
    const lead = await createLead(t.http, a.admin, a.id, { campaignId: spring.id });
    const other = await createLead(t.http, a.admin, a.id, { campaignId: temp.id });
    const one = await t.http.get(`/v1/leads/${lead.id}?include=campaign`).set(as(a.admin, a.id)).expect(200);
    expect(one.body.campaign).toEqual({ id: spring.id, name: 'Spring' });
    await t.http.delete(`/v1/campaigns/${temp.id}`).set(as(a.admin, a.id)).expect(204);
    const list = await t.http
      .get(`/v1/leads?ids=${lead.id},${other.id}&include=campaign`)
      .set(as(a.admin, a.id))
      .expect(200);
    const byId = new Map(list.body.data.map((l: Body) => [l.id, l.campaign]));
    expect(byId.get(lead.id)).toEqual({ id: spring.id, name: 'Spring' });
    expect(byId.get(other.id)).toBeNull();
  });

  it("keeps a merged duplicate's campaign when the survivor has none, and the more urgent priority", async () => {
    const target = await createLead(t.http, a.admin, a.id, { priority: 'LOW' });
    const dup = await createLead(t.http, a.admin, a.id, { campaignId: spring.id, priority: 'HIGH' });
    const merged = await t.http
      .post(`/v1/leads/${target.id}/merge`)
      .set(as(a.admin, a.id))
      .send({ duplicateId: dup.id })
      .expect(200);
    expect(merged.body).toMatchObject({ campaignId: spring.id, priority: 'HIGH' });
    // The survivor's own campaign and higher priority are kept.
    const keeper = await createLead(t.http, a.admin, a.id, { campaignId: fall.id, priority: 'URGENT' });
    const other = await createLead(t.http, a.admin, a.id, { campaignId: spring.id, priority: 'LOW' });
    const kept = await t.http
      .post(`/v1/leads/${keeper.id}/merge`)
      .set(as(a.admin, a.id))
      .send({ duplicateId: other.id })
      .expect(200);
    expect(kept.body).toMatchObject({ campaignId: fall.id, priority: 'URGENT' });
  });

  it('sets priority and campaignId in bulk update, all or nothing', async () => {
    const l1 = await createLead(t.http, a.admin, a.id);
    const l2 = await createLead(t.http, a.admin, a.id);
    await t.http
      .post('/v1/leads/bulk')
      .set(as(a.admin, a.id))
      .send({ action: 'update', ids: [l1.id, l2.id], data: { priority: 'URGENT', campaignId: fall.id } })
      .expect(200);
    for (const l of [l1, l2]) {
      const read = await t.http.get(`/v1/leads/${l.id}`).set(as(a.admin, a.id)).expect(200);
      expect(read.body).toMatchObject({ priority: 'URGENT', campaignId: fall.id });
    }
    const refused = await t.http
      .post('/v1/leads/bulk')
      .set(as(a.admin, a.id))
      .send({ action: 'update', ids: [l1.id], data: { campaignId: foreign.id } })
      .expect(422);
    expect(refused.body).toMatchObject({ code: 'INVALID_REFERENCE', details: [{ field: 'data.campaignId' }] });
    expect((await t.http.get(`/v1/leads/${l1.id}`).set(as(a.admin, a.id))).body.campaignId).toBe(fall.id);
  });
});
