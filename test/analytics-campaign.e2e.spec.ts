// Issue 18, item 6: GET /v1/analytics/campaigns/{id} — issue 17's campaign performance over the
// leads created in a period, beside the previous period and per bucket, from fixtures counted by
// hand; AGENT/VIEWER/MANAGER, agentId, tenants, 404s, an empty period.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { addMember, as, type Org, type User, twoOrganizations } from './helpers/fixtures.js';
import { captureStatements, explainAs, indexesUsed, seqScanned } from './helpers/explain.js';
import { countStatements } from './helpers/statements.js';

type Body = Record<string, any>;

/** Monday 1 June to Sunday 14 June 2026 in weeks; the previous period is 18–31 May. */
const JUNE = '?from=2026-06-01&to=2026-06-14&interval=week';

const counts = (value: number | null, previous: number | null, delta: number | null) => ({ value, previous, delta });

describe('GET /v1/analytics/campaigns/{id}', () => {
  const { t, a, b } = twoOrganizations();
  let manager: User;
  let agent: User;
  let idle: User;
  let viewer: User;
  let spring: Body;
  let otherB: Body;

  const campaign = async (org: Org, body: Body): Promise<Body> =>
    (await t.http.post('/v1/campaigns').set(as(org.admin, org.id)).send(body).expect(201)).body;

  interface LeadSpec {
    campaignId: string;
    assignee: User;
    status: string;
    createdAt: string;
    deleted?: boolean;
    /** A completed activity of this type, this many seconds after the lead's creation. */
    activity?: [type: string, seconds: number];
  }

  /** Inserted as the owner, with the instants and statuses the figures depend on. */
  const lead = async (org: Org, spec: LeadSpec) => {
    const [row] = await t.db.admin.query<{ id: string }>(
      `INSERT INTO leads (organization_id, name, campaign_id, assigned_to_id, status, created_at, deleted_at)
       VALUES ($1, 'L', $2, $3, $4, $5, CASE WHEN $6 THEN now() END) RETURNING id`,
      [org.id, spec.campaignId, spec.assignee.id, spec.status, spec.createdAt, spec.deleted ?? false],
    );
    if (spec.activity) {
      const [type, seconds] = spec.activity;
      await t.db.admin.query(
        `INSERT INTO activities (organization_id, type, title, lead_id, completed_at)
         VALUES ($1, $2, 'A', $3, $4::timestamptz + make_interval(secs => $5::int))`,
        [org.id, type, row.id, spec.createdAt, seconds],
      );
    }
  };

  beforeAll(async () => {
    manager = await addMember(t.http, a, 'MANAGER');
    agent = await addMember(t.http, a, 'AGENT');
    idle = await addMember(t.http, a, 'AGENT');
    viewer = await addMember(t.http, a, 'VIEWER');
    spring = await campaign(a, { name: 'Spring', budget: '1000.00', status: 'ACTIVE' });
    const other = await campaign(a, { name: 'Other' });
    const id = spring.id as string;

    // The period, week of 1 June: the AGENT's L1 (QUALIFIED, called after 10 min) and L2
    // (CONVERTED, emailed after 30 min).
    await lead(a, {
      campaignId: id,
      assignee: agent,
      status: 'QUALIFIED',
      createdAt: '2026-06-02T10:00:00Z',
      activity: ['CALL', 600],
    });
    await lead(a, {
      campaignId: id,
      assignee: agent,
      status: 'CONVERTED',
      createdAt: '2026-06-03T00:00:00Z',
      activity: ['EMAIL', 1800],
    });
    // Week of 8 June: the AGENT's L3 (never contacted), the ADMIN's L4 (LOST, met after 1 h) and
    // L5 (a TASK is not a contact), created in the period's last millisecond.
    await lead(a, { campaignId: id, assignee: agent, status: 'NEW_LEAD', createdAt: '2026-06-09T00:00:00Z' });
    await lead(a, {
      campaignId: id,
      assignee: a.admin,
      status: 'LOST',
      createdAt: '2026-06-10T12:00:00Z',
      activity: ['MEETING', 3600],
    });
    await lead(a, {
      campaignId: id,
      assignee: a.admin,
      status: 'NEW_LEAD',
      createdAt: '2026-06-14T23:59:59.999Z',
      activity: ['TASK', 60],
    });
    // Not counted: deleted, another campaign's, created just after the period.
    await lead(a, {
      campaignId: id,
      assignee: agent,
      status: 'QUALIFIED',
      createdAt: '2026-06-05T00:00:00Z',
      deleted: true,
    });
    await lead(a, { campaignId: other.id, assignee: agent, status: 'CONVERTED', createdAt: '2026-06-05T00:00:00Z' });
    await lead(a, { campaignId: id, assignee: agent, status: 'CONVERTED', createdAt: '2026-06-15T00:00:00Z' });
    // The previous period: the AGENT's P1 (IN_CONTACT, called after 20 min) and the ADMIN's P2
    // (CONVERTED without a contact activity: contacted by its status, no time to first contact).
    await lead(a, {
      campaignId: id,
      assignee: agent,
      status: 'IN_CONTACT',
      createdAt: '2026-05-20T00:00:00Z',
      activity: ['CALL', 1200],
    });
    await lead(a, { campaignId: id, assignee: a.admin, status: 'CONVERTED', createdAt: '2026-05-31T23:59:59Z' });

    otherB = await campaign(b, { name: 'B campaign' });
    await lead(b, { campaignId: otherB.id, assignee: b.admin, status: 'NEW_LEAD', createdAt: '2026-06-02T00:00:00Z' });
  });

  const performance = async (user: User, query = JUNE, id: string = spring.id) =>
    (await t.http.get(`/v1/analytics/campaigns/${id}${query}`).set(as(user, a.id)).expect(200)).body as Body;

  it("gives a MANAGER the figures of the campaign's leads created in the period, counted by hand", async () => {
    expect(await performance(manager)).toEqual({
      window: {
        timeZone: 'UTC',
        period: 'custom',
        interval: 'week',
        from: '2026-06-01T00:00:00.000Z',
        to: '2026-06-15T00:00:00.000Z',
        previousFrom: '2026-05-18T00:00:00.000Z',
        previousTo: '2026-06-01T00:00:00.000Z',
        agentId: null,
      },
      campaign: { id: spring.id, name: 'Spring', status: 'ACTIVE', budget: '1000.00' },
      figures: {
        leads: counts(5, 2, 3),
        contacted: counts(3, 2, 1),
        qualified: counts(2, 1, 1),
        converted: counts(1, 1, 0),
        lost: counts(1, 0, 1),
        qualificationRate: counts(0.4, 0.5, -0.1),
        responseRate: counts(0.6, 1, -0.4),
        conversionRate: counts(0.2, 0.5, -0.3),
        medianTimeToFirstContact: counts(1800, 1200, 600),
      },
      series: [
        { bucket: '2026-06-01', leads: 2, contacted: 2, qualified: 2, converted: 1 },
        { bucket: '2026-06-08', leads: 3, contacted: 1, qualified: 0, converted: 0 },
      ],
    });
  });

  it("gives a VIEWER and an ADMIN the MANAGER's figures", async () => {
    expect(await performance(viewer)).toEqual(await performance(manager));
    expect(await performance(a.admin)).toEqual(await performance(manager));
  });

  it('gives an AGENT the figures of the leads assigned to them, and a MANAGER the same with agentId', async () => {
    const own = await performance(agent);
    expect(own).toMatchObject({
      window: { agentId: agent.id },
      figures: {
        leads: counts(3, 1, 2),
        contacted: counts(2, 1, 1),
        qualified: counts(2, 0, 2),
        converted: counts(1, 0, 1),
        lost: counts(0, 0, 0),
        qualificationRate: counts(0.6667, 0, 0.6667),
        responseRate: counts(0.6667, 1, -0.3333),
        conversionRate: counts(0.3333, 0, 0.3333),
        medianTimeToFirstContact: counts(1200, 1200, 0),
      },
      series: [
        { bucket: '2026-06-01', leads: 2, contacted: 2, qualified: 2, converted: 1 },
        { bucket: '2026-06-08', leads: 1, contacted: 0, qualified: 0, converted: 0 },
      ],
    });
    expect(await performance(manager, `${JUNE}&agentId=${agent.id}`)).toEqual(own);
    const res = await t.http
      .get(`/v1/analytics/campaigns/${spring.id}${JUNE}&agentId=${manager.id}`)
      .set(as(agent, a.id))
      .expect(403);
    expect(res.body.code).toBe('FORBIDDEN');
  });

  it('answers zeros and null rates for a member with no leads and for an empty period', async () => {
    const none = {
      leads: counts(0, 0, 0),
      contacted: counts(0, 0, 0),
      qualified: counts(0, 0, 0),
      converted: counts(0, 0, 0),
      lost: counts(0, 0, 0),
      qualificationRate: counts(null, null, null),
      responseRate: counts(null, null, null),
      conversionRate: counts(null, null, null),
      medianTimeToFirstContact: counts(null, null, null),
    };
    const zero = { leads: 0, contacted: 0, qualified: 0, converted: 0 };
    expect(await performance(idle)).toMatchObject({
      figures: none,
      series: [
        { bucket: '2026-06-01', ...zero },
        { bucket: '2026-06-08', ...zero },
      ],
    });
    expect(await performance(manager, '?from=2025-01-01&to=2025-01-03&interval=day')).toMatchObject({
      figures: none,
      series: [
        { bucket: '2025-01-01', ...zero },
        { bucket: '2025-01-02', ...zero },
        { bucket: '2025-01-03', ...zero },
      ],
    });
    // A period with leads after an empty previous one: rates against null.
    // The ADMIN's leads of 8–14 June (L4 contacted, L5 not) after none in 1–7 June: no previous rate.
    const admin = await performance(manager, `?from=2026-06-08&to=2026-06-14&agentId=${a.admin.id}`);
    expect(admin.figures).toMatchObject({ leads: counts(2, 0, 2), responseRate: counts(0.5, null, null) });
  });

  it("is 404 for another organization's campaign, a deleted one and an unknown id, beside the allowed control", async () => {
    await t.http.get(`/v1/analytics/campaigns/${spring.id}${JUNE}`).set(as(b.admin, b.id)).expect(404);
    await t.http.get(`/v1/analytics/campaigns/${otherB.id}${JUNE}`).set(as(a.admin, a.id)).expect(404);
    expect(
      (await t.http.get(`/v1/analytics/campaigns/${otherB.id}${JUNE}`).set(as(b.admin, b.id)).expect(200)).body,
    ).toMatchObject({ figures: { leads: counts(1, 0, 1) } });
    const gone = await campaign(a, { name: 'Gone' });
    await performance(a.admin, JUNE, gone.id);
    await t.http.delete(`/v1/campaigns/${gone.id}`).set(as(a.admin, a.id)).expect(204);
    await t.http.get(`/v1/analytics/campaigns/${gone.id}`).set(as(a.admin, a.id)).expect(404);
    await t.http.get('/v1/analytics/campaigns/00000000-0000-4000-8000-000000000000').set(as(a.admin, a.id)).expect(404);
    await t.http.get('/v1/analytics/campaigns/nope').set(as(a.admin, a.id)).expect(400);
    const bad = await t.http.get(`/v1/analytics/campaigns/${spring.id}?from=2026-06-01`).set(as(a.admin, a.id));
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
  });

  it('answers in two statements after the window, whatever the number of buckets', async () => {
    const counter = countStatements(t.app);
    try {
      const sent = (user: User, query: string) =>
        counter.count(() => t.http.get(`/v1/analytics/campaigns/${spring.id}${query}`).set(as(user, a.id)).expect(200));
      // app.begin_request, the window, the campaign, the counts.
      expect(await sent(manager, JUNE)).toBe(4);
      expect(await sent(agent, '?from=2025-06-01&to=2026-06-14&interval=day')).toBe(4);
    } finally {
      counter.restore();
    }
  });

  it("reads only the campaign's leads through leads_org_campaign_idx, among 12,000 of other organizations", async () => {
    await t.db.admin.exec(`
      INSERT INTO organizations (id, name)
        SELECT md5('analytics-campaign-org-' || o)::uuid, 'Seeded ' || o FROM generate_series(1, 12) o;
      INSERT INTO leads (organization_id, name, status, created_at)
        SELECT md5('analytics-campaign-org-' || (1 + g % 12))::uuid, 'Seeded ' || g,
               (ARRAY['NEW_LEAD','IN_CONTACT','QUALIFIED','CONVERTED','LOST'])[1 + g % 5]::"LeadStatus",
               timestamptz '2026-06-01' + make_interval(mins => g)
          FROM generate_series(1, 12000) g;
      ANALYZE leads;
    `);
    const statements = await captureStatements(t.app, () =>
      t.http.get(`/v1/analytics/campaigns/${spring.id}${JUNE}`).set(as(agent, a.id)).expect(200),
    );
    const counting = statements.filter((s) => /GROUPING SETS/.test(s.sql));
    expect(counting).toHaveLength(1);
    const plan = await explainAs(t.db.admin, counting[0], agent.id, a.id);
    expect(seqScanned(plan)).not.toContain('leads');
    expect(indexesUsed(plan)).toContain('leads_org_campaign_idx');
  }, 120_000);
});
