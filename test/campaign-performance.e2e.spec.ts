// Issue 17, item 1: GET /v1/campaigns/{id}/performance and GET /v1/campaigns/top — figures from a
// known dataset, each one statement under RLS (an AGENT's figures are their own leads').
import { beforeAll, describe, expect, it } from '@jest/globals';
import { addMember, as, createLead, type Org, type User, twoOrganizations } from './helpers/fixtures.js';
import { createActivity } from './helpers/records.js';
import { countStatements } from './helpers/statements.js';

type Body = Record<string, any>;

describe('campaign performance', () => {
  const { t, a, b } = twoOrganizations();
  let agent: User;
  let viewer: User;
  let spring: Body;

  const campaign = async (org: Org, body: Body): Promise<Body> =>
    (await t.http.post('/v1/campaigns').set(as(org.admin, org.id)).send(body).expect(201)).body;

  /** A lead of the campaign created `hoursAgo` hours ago (backdated by the owner session). */
  const leadOf = async (user: User, org: Org, campaignId: string, hoursAgo = 0): Promise<Body> => {
    const lead = await createLead(t.http, user, org.id, { campaignId });
    if (!hoursAgo) return lead;
    const rows = await t.db.admin.query<{ created_at: Date }>(
      `UPDATE leads SET created_at = now() - make_interval(hours => $2) WHERE id = $1 RETURNING created_at`,
      [lead.id, hoursAgo],
    );
    return { ...lead, createdAt: rows[0].created_at.toISOString() };
  };

  /** A completed activity `seconds` after the lead was created. */
  const contact = (user: User, org: Org, lead: Body, type: string, seconds: number) =>
    createActivity(t.http, user, org.id, {
      type,
      leadId: lead.id,
      completedAt: new Date(Date.parse(lead.createdAt) + seconds * 1000).toISOString(),
    });

  const setStatus = (user: User, org: Org, lead: Body, status: string) =>
    t.http.patch(`/v1/leads/${lead.id}`).set(as(user, org.id)).send({ status }).expect(200);

  const convert = (user: User, org: Org, lead: Body) =>
    t.http.post(`/v1/leads/${lead.id}/convert`).set(as(user, org.id)).send({}).expect(200);

  beforeAll(async () => {
    agent = await addMember(t.http, a, 'AGENT');
    viewer = await addMember(t.http, a, 'VIEWER');
    spring = await campaign(a, { name: 'Spring', budget: '1000.00', status: 'ACTIVE' });
    const other = await campaign(a, { name: 'Other' });

    // The AGENT's own leads: they see these three and nothing else.
    await leadOf(agent, a, spring.id); // NEW_LEAD, never contacted
    const qualified = await leadOf(agent, a, spring.id, 2);
    await contact(agent, a, qualified, 'CALL', 600); // → IN_CONTACT (trigger), first contact after 10 min
    await setStatus(agent, a, qualified, 'QUALIFIED');
    const converted = await leadOf(agent, a, spring.id, 2);
    await contact(agent, a, converted, 'EMAIL', 1800);
    await contact(agent, a, converted, 'CALL', 3000); // a later contact does not move the first
    await convert(a.admin, a, converted);

    // The ADMIN's leads, which the AGENT does not see.
    const lost = await leadOf(a.admin, a, spring.id, 2);
    await contact(a.admin, a, lost, 'MEETING', 3600);
    await setStatus(a.admin, a, lost, 'LOST');
    const lostUncontacted = await leadOf(a.admin, a, spring.id);
    await setStatus(a.admin, a, lostUncontacted, 'LOST'); // left NEW_LEAD: counts as contacted, no contact time
    const taskOnly = await leadOf(a.admin, a, spring.id, 2);
    await contact(a.admin, a, taskOnly, 'TASK', 60); // not a contact: still NEW_LEAD
    // Not counted: a soft-deleted lead, a lead of another campaign, a lead of no campaign.
    const deleted = await leadOf(a.admin, a, spring.id, 2);
    await contact(a.admin, a, deleted, 'CALL', 10);
    await t.http.delete(`/v1/leads/${deleted.id}`).set(as(a.admin, a.id)).expect(204);
    const elsewhere = await leadOf(a.admin, a, other.id, 2);
    await contact(a.admin, a, elsewhere, 'CALL', 5);
    await createLead(t.http, a.admin, a.id);
  });

  const performance = async (user: User, id = spring.id) =>
    (await t.http.get(`/v1/campaigns/${id}/performance`).set(as(user, a.id)).expect(200)).body;

  it('gives an ADMIN the figures of every lead of the campaign', async () => {
    expect(await performance(a.admin)).toEqual({
      campaignId: spring.id,
      name: 'Spring',
      leads: 6,
      contacted: 4,
      qualified: 2,
      converted: 1,
      lost: 2,
      qualificationRate: 0.3333,
      responseRate: 0.6667,
      conversionRate: 0.1667,
      medianTimeToFirstContact: 1800,
      budget: '1000.00',
      costPerLead: '166.67',
      costPerConversion: '1000.00',
    });
  });

  it("gives an AGENT the figures of their own leads only, and a VIEWER the ADMIN's", async () => {
    expect(await performance(agent)).toEqual({
      campaignId: spring.id,
      name: 'Spring',
      leads: 3,
      contacted: 2,
      qualified: 2,
      converted: 1,
      lost: 0,
      qualificationRate: 0.6667,
      responseRate: 0.6667,
      conversionRate: 0.3333,
      medianTimeToFirstContact: 1200,
      budget: '1000.00',
      costPerLead: '333.33',
      costPerConversion: '1000.00',
    });
    expect(await performance(viewer)).toEqual(await performance(a.admin));
  });

  it('answers nulls for rates, median and costs when there is nothing to divide', async () => {
    const empty = await campaign(a, { name: 'Empty', budget: '500.00' });
    expect(await performance(a.admin, empty.id)).toMatchObject({
      leads: 0,
      contacted: 0,
      qualified: 0,
      converted: 0,
      lost: 0,
      qualificationRate: null,
      responseRate: null,
      conversionRate: null,
      medianTimeToFirstContact: null,
      budget: '500.00',
      costPerLead: null,
      costPerConversion: null,
    });
    const unbudgeted = await campaign(a, { name: 'Free' });
    await leadOf(a.admin, a, unbudgeted.id);
    expect(await performance(a.admin, unbudgeted.id)).toMatchObject({
      leads: 1,
      budget: null,
      costPerLead: null,
      costPerConversion: null,
    });
  });

  it("is 404 for another organization's campaign, a deleted one and an unknown id, beside the allowed control", async () => {
    await t.http.get(`/v1/campaigns/${spring.id}/performance`).set(as(b.admin, b.id)).expect(404);
    await t.http.get(`/v1/campaigns/${spring.id}/performance`).set(as(a.admin, a.id)).expect(200);
    const gone = await campaign(a, { name: 'Gone' });
    await t.http.delete(`/v1/campaigns/${gone.id}`).set(as(a.admin, a.id)).expect(204);
    await t.http.get(`/v1/campaigns/${gone.id}/performance`).set(as(a.admin, a.id)).expect(404);
    await t.http
      .get('/v1/campaigns/00000000-0000-4000-8000-000000000000/performance')
      .set(as(a.admin, a.id))
      .expect(404);
    await t.http.get('/v1/campaigns/nope/performance').set(as(a.admin, a.id)).expect(400);
  });

  it('answers performance and top with one SQL statement each', async () => {
    const counter = countStatements(t.app);
    try {
      const sent = async (path: string) => counter.count(() => t.http.get(path).set(as(agent, a.id)).expect(200));
      // The tenant statement (app.begin_request) and the one statement of the figures.
      expect(await sent(`/v1/campaigns/${spring.id}/performance`)).toBe(2);
      expect(await sent('/v1/campaigns/top?metric=response_rate&limit=50')).toBe(2);
    } finally {
      counter.restore();
    }
  });

  it('counts in a SECURITY INVOKER function that keeps JIT off (docs/campaigns.md, "Cost")', async () => {
    const [fn] = await t.db.admin.query<{ definer: boolean; config: string[] | null }>(
      `SELECT prosecdef AS definer, proconfig AS config FROM pg_proc WHERE oid = 'app.campaign_lead_counts(uuid[])'::regprocedure`,
    );
    expect(fn).toEqual({ definer: false, config: ['jit=off'] });
  });

  describe('top', () => {
    // Organization B holds only these, so the ranking is known exactly.
    let best: Body;
    let tiedMore: Body;
    let tiedFewer: Body;
    let worst: Body;
    let agentB: User;

    beforeAll(async () => {
      agentB = await addMember(t.http, b, 'AGENT');
      const leads = async (c: Body, n: number, user: User = b.admin) => {
        const made: Body[] = [];
        for (let i = 0; i < n; i++) made.push(await leadOf(user, b, c.id));
        return made;
      };
      best = await campaign(b, { name: 'Best' }); // 1 lead, converted: conversion 1, qualification 1, response 1
      await convert(b.admin, b, (await leads(best, 1))[0]);
      tiedMore = await campaign(b, { name: 'Tied, more leads' }); // 4 leads, 2 converted: 0.5
      const four = await leads(tiedMore, 4);
      await convert(b.admin, b, four[0]);
      await convert(b.admin, b, four[1]);
      tiedFewer = await campaign(b, { name: 'Tied, fewer leads' }); // 2 leads, 1 converted: 0.5; 2 contacted
      const two = await leads(tiedFewer, 2);
      await convert(b.admin, b, two[0]);
      await setStatus(b.admin, b, two[1], 'LOST');
      worst = await campaign(b, { name: 'Worst' }); // 3 leads (one the AGENT's), none converted or contacted
      await leads(worst, 2);
      await leads(worst, 1, agentB);
      await campaign(b, { name: 'No leads' }); // never ranked
      const deleted = await campaign(b, { name: 'Deleted' });
      await convert(b.admin, b, (await leads(deleted, 1))[0]);
      await t.http.delete(`/v1/campaigns/${deleted.id}`).set(as(b.admin, b.id)).expect(204);
    });

    const top = async (query: string, user: User = b.admin) => {
      const res = await t.http.get(`/v1/campaigns/top?${query}`).set(as(user, b.id)).expect(200);
      return res.body;
    };
    const names = (body: { data: { name: string }[] }) => body.data.map((c) => c.name);

    it('ranks live campaigns with leads by conversion rate (the default), ties by leads', async () => {
      const body = await top('');
      expect(body.metric).toBe('conversion_rate');
      expect(names(body)).toEqual(['Best', 'Tied, more leads', 'Tied, fewer leads', 'Worst']);
      expect(body.data[1]).toMatchObject({ campaignId: tiedMore.id, leads: 4, converted: 2, conversionRate: 0.5 });
      expect(body.data[3]).toMatchObject({ campaignId: worst.id, leads: 3, conversionRate: 0 });
      expect(body.data[0].campaignId).toBe(best.id);
    });

    it('ranks by response and qualification rate, and honours limit', async () => {
      // response: Best 1, Tied fewer 1 (converted + lost), Tied more 0.5, Worst 0.
      expect(names(await top('metric=response_rate'))).toEqual([
        'Tied, fewer leads',
        'Best',
        'Tied, more leads',
        'Worst',
      ]);
      // qualification (QUALIFIED or CONVERTED): Best 1, Tied more 0.5, Tied fewer 0.5, Worst 0.
      const q = await top('metric=qualification_rate&limit=2');
      expect(q.metric).toBe('qualification_rate');
      expect(names(q)).toEqual(['Best', 'Tied, more leads']);
      expect(q.data[1].qualificationRate).toBe(0.5);
      expect(tiedFewer.id).toBeDefined();
    });

    it("ranks an AGENT's own leads only", async () => {
      const body = await top('', agentB);
      expect(body.data).toHaveLength(1);
      expect(body.data[0]).toMatchObject({ campaignId: worst.id, leads: 1, conversionRate: 0 });
    });

    it('validates metric and limit (400)', async () => {
      for (const query of ['metric=roi', 'limit=0', 'limit=51', 'limit=ten']) {
        const res = await t.http.get(`/v1/campaigns/top?${query}`).set(as(b.admin, b.id)).expect(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
      expect((await top('limit=50')).data).toHaveLength(4);
    });

    it("never ranks another organization's campaigns", async () => {
      const aTop = await t.http.get('/v1/campaigns/top?limit=50').set(as(a.admin, a.id)).expect(200);
      const ids = aTop.body.data.map((c: Body) => c.campaignId);
      expect(ids).toContain(spring.id);
      expect(ids).not.toContain(best.id);
    });
  });
});
