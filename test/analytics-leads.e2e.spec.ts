// Issue 18, item 2: GET /v1/analytics/leads — the funnel of the leads created in a period, by
// source, campaign, assignee or score band, beside the previous period, from a dataset whose
// answers are computed by hand below. Custom from/to periods keep the answers independent of
// today; created_at is backdated through the owner session.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { addMember, as, createLead, type Org, type User, twoOrganizations } from './helpers/fixtures.js';
import { countStatements } from './helpers/statements.js';

type Body = Record<string, any>;

const STATUSES = ['NEW_LEAD', 'IN_CONTACT', 'QUALIFIED', 'UNQUALIFIED', 'CONVERTED', 'LOST'] as const;
type Status = (typeof STATUSES)[number];

/** Counts per status: the given ones, zeros for the rest. */
const byStatus = (counts: Partial<Record<Status, number>> = {}) =>
  Object.fromEntries(STATUSES.map((s) => [s, counts[s] ?? 0]));

// The current period: 1–10 March 2026 (UTC for organization A); the previous one: 19–28 February.
const PERIOD = 'from=2026-03-01&to=2026-03-10';

describe('GET /v1/analytics/leads', () => {
  const { t, a, b } = twoOrganizations();
  let agent: User;
  let idle: User;
  let manager: User;
  let viewer: User;
  let spring: Body;

  interface LeadSpec {
    createdAt: string;
    source: string;
    scoreValue: number;
    status?: Status;
    campaignId?: string | null;
    assignedToId?: string | null;
    /** A first response was recorded (10 minutes after creation). */
    responded?: boolean;
    deleted?: boolean;
    org?: Org;
  }

  /** A lead made through the API, then given its history (status, creation, first response) by the owner session. */
  const lead = async (spec: LeadSpec): Promise<Body> => {
    const org = spec.org ?? a;
    const made = await createLead(t.http, org.admin, org.id, {
      source: spec.source,
      scoreValue: spec.scoreValue,
      campaignId: spec.campaignId ?? null,
      assignedToId: spec.assignedToId ?? null,
    });
    // Status first: leaving NEW_LEAD stamps first_response_at (a trigger), which the next statement sets as wanted.
    await t.db.admin.query(`UPDATE leads SET status = $2 WHERE id = $1`, [made.id, spec.status ?? 'NEW_LEAD']);
    await t.db.admin.query(
      `UPDATE leads SET created_at = $2::timestamptz,
              first_response_at = CASE WHEN $3 THEN $2::timestamptz + interval '10 minutes' END,
              deleted_at = CASE WHEN $4 THEN now() END
        WHERE id = $1`,
      [made.id, spec.createdAt, spec.responded ?? false, spec.deleted ?? false],
    );
    return made;
  };

  beforeAll(async () => {
    agent = await addMember(t.http, a, 'AGENT');
    idle = await addMember(t.http, a, 'AGENT');
    manager = await addMember(t.http, a, 'MANAGER');
    viewer = await addMember(t.http, a, 'VIEWER');
    spring = (await t.http.post('/v1/campaigns').set(as(a.admin, a.id)).send({ name: 'Spring' }).expect(201)).body;
    const s = spring.id as string;

    // The current period (C1–C7).
    await lead({
      createdAt: '2026-03-01T00:00:00Z',
      source: 'REFERRAL',
      campaignId: s,
      assignedToId: agent.id,
      scoreValue: 80,
    });
    await lead({
      createdAt: '2026-03-02T09:00:00Z',
      source: 'REFERRAL',
      campaignId: s,
      assignedToId: agent.id,
      scoreValue: 50,
      status: 'QUALIFIED',
      responded: true,
    });
    await lead({
      createdAt: '2026-03-03T09:00:00Z',
      source: 'REFERRAL',
      assignedToId: agent.id,
      scoreValue: 10,
      status: 'CONVERTED',
      responded: true,
    });
    // Left NEW_LEAD: contacted, whatever first_response_at says.
    await lead({
      createdAt: '2026-03-04T09:00:00Z',
      source: 'WEBSITE',
      campaignId: s,
      assignedToId: a.admin.id,
      scoreValue: 10,
      status: 'LOST',
    });
    await lead({
      createdAt: '2026-03-05T09:00:00Z',
      source: 'WEBSITE',
      scoreValue: 80,
      status: 'IN_CONTACT',
      responded: true,
    });
    await lead({ createdAt: '2026-03-06T09:00:00Z', source: 'WEBSITE', scoreValue: 0 });
    await lead({
      createdAt: '2026-03-10T23:59:59.999Z',
      source: 'GOOGLE_ADS',
      campaignId: s,
      assignedToId: a.admin.id,
      scoreValue: 45,
      status: 'UNQUALIFIED',
      responded: true,
    });
    // Not counted: deleted, created at the period's end (excluded), created before the previous period.
    await lead({
      createdAt: '2026-03-05T09:00:00Z',
      source: 'REFERRAL',
      assignedToId: agent.id,
      scoreValue: 80,
      deleted: true,
    });
    await lead({ createdAt: '2026-03-11T00:00:00Z', source: 'REFERRAL', assignedToId: agent.id, scoreValue: 80 });
    await lead({ createdAt: '2026-02-18T23:59:59.999Z', source: 'REFERRAL', assignedToId: agent.id, scoreValue: 80 });

    // The previous period (P1–P3).
    await lead({
      createdAt: '2026-02-28T23:59:59.999Z',
      source: 'REFERRAL',
      campaignId: s,
      assignedToId: agent.id,
      scoreValue: 80,
      status: 'CONVERTED',
      responded: true,
    });
    await lead({ createdAt: '2026-02-19T00:00:00Z', source: 'WEBSITE', assignedToId: a.admin.id, scoreValue: 10 });
    await lead({
      createdAt: '2026-02-20T12:00:00Z',
      source: 'EVENT',
      scoreValue: 50,
      status: 'QUALIFIED',
      responded: true,
    });

    // Organization B, in New York: 2026-03-01T03:00Z is 28 February there (previous period),
    // 2026-03-11T03:00Z is 10 March (current period).
    await t.db.admin.query(`UPDATE organizations SET time_zone = 'America/New_York' WHERE id = $1`, [b.id]);
    await lead({ org: b, createdAt: '2026-03-01T03:00:00Z', source: 'REFERRAL', scoreValue: 10 });
    await lead({ org: b, createdAt: '2026-03-11T03:00:00Z', source: 'REFERRAL', scoreValue: 10, status: 'LOST' });
  });

  const funnel = async (user: User, query: string, org: Org = a): Promise<Body> =>
    (await t.http.get(`/v1/analytics/leads?${PERIOD}&${query}`).set(as(user, org.id)).expect(200)).body;

  const referral = {
    key: 'REFERRAL',
    label: 'REFERRAL',
    leads: { value: 3, previous: 1, delta: 2 },
    byStatus: byStatus({ NEW_LEAD: 1, QUALIFIED: 1, CONVERTED: 1 }),
    contacted: 2,
    qualified: 2,
    converted: 1,
    lost: 0,
    qualificationRate: { value: 0.6667, previous: 1, delta: -0.3333 },
    responseRate: { value: 0.6667, previous: 1, delta: -0.3333 },
    conversionRate: { value: 0.3333, previous: 1, delta: -0.6667 },
  };

  it('groups by source by default, with counts per status, rates and the previous period', async () => {
    const body = await funnel(a.admin, '');
    expect(body.window).toEqual({
      timeZone: 'UTC',
      period: 'custom',
      interval: 'week',
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-11T00:00:00.000Z',
      previousFrom: '2026-02-19T00:00:00.000Z',
      previousTo: '2026-03-01T00:00:00.000Z',
      agentId: null,
    });
    expect(body.groupBy).toBe('source');
    expect(body.groups).toEqual([
      referral,
      {
        key: 'WEBSITE',
        label: 'WEBSITE',
        leads: { value: 3, previous: 1, delta: 2 },
        byStatus: byStatus({ NEW_LEAD: 1, IN_CONTACT: 1, LOST: 1 }),
        contacted: 2,
        qualified: 0,
        converted: 0,
        lost: 1,
        qualificationRate: { value: 0, previous: 0, delta: 0 },
        responseRate: { value: 0.6667, previous: 0, delta: 0.6667 },
        conversionRate: { value: 0, previous: 0, delta: 0 },
      },
      {
        key: 'GOOGLE_ADS',
        label: 'GOOGLE_ADS',
        leads: { value: 1, previous: 0, delta: 1 },
        byStatus: byStatus({ UNQUALIFIED: 1 }),
        contacted: 1,
        qualified: 0,
        converted: 0,
        lost: 0,
        qualificationRate: { value: 0, previous: null, delta: null },
        responseRate: { value: 1, previous: null, delta: null },
        conversionRate: { value: 0, previous: null, delta: null },
      },
      // No lead this period: still listed, for the previous period's.
      {
        key: 'EVENT',
        label: 'EVENT',
        leads: { value: 0, previous: 1, delta: -1 },
        byStatus: byStatus(),
        contacted: 0,
        qualified: 0,
        converted: 0,
        lost: 0,
        qualificationRate: { value: null, previous: 1, delta: null },
        responseRate: { value: null, previous: 1, delta: null },
        conversionRate: { value: null, previous: 0, delta: null },
      },
    ]);
    expect(await funnel(a.admin, 'groupBy=source')).toEqual(body);
  });

  it('groups by campaign, the leads of no campaign under a null key', async () => {
    const { groups } = await funnel(a.admin, 'groupBy=campaignId');
    expect(groups).toEqual([
      {
        key: spring.id,
        label: 'Spring',
        leads: { value: 4, previous: 1, delta: 3 },
        byStatus: byStatus({ NEW_LEAD: 1, QUALIFIED: 1, LOST: 1, UNQUALIFIED: 1 }),
        contacted: 3,
        qualified: 1,
        converted: 0,
        lost: 1,
        qualificationRate: { value: 0.25, previous: 1, delta: -0.75 },
        responseRate: { value: 0.75, previous: 1, delta: -0.25 },
        conversionRate: { value: 0, previous: 1, delta: -1 },
      },
      {
        key: null,
        label: null,
        leads: { value: 3, previous: 2, delta: 1 },
        byStatus: byStatus({ NEW_LEAD: 1, IN_CONTACT: 1, CONVERTED: 1 }),
        contacted: 2,
        qualified: 1,
        converted: 1,
        lost: 0,
        qualificationRate: { value: 0.3333, previous: 0.5, delta: -0.1667 },
        responseRate: { value: 0.6667, previous: 0.5, delta: 0.1667 },
        conversionRate: { value: 0.3333, previous: 0, delta: 0.3333 },
      },
    ]);
  });

  it('groups by assignee with their names, the unassigned leads under a null key, ties by key', async () => {
    const { groups } = await funnel(a.admin, 'groupBy=assignedToId');
    expect(groups.map((g: Body) => [g.key, g.label, g.leads])).toEqual([
      [agent.id, 'AGENT user', { value: 3, previous: 1, delta: 2 }],
      [a.admin.id, 'A Admin', { value: 2, previous: 1, delta: 1 }],
      [null, null, { value: 2, previous: 1, delta: 1 }],
    ]);
    // An agent with no leads has no group.
    expect(groups.map((g: Body) => g.key)).not.toContain(idle.id);
  });

  it('groups by score band', async () => {
    const { groups } = await funnel(a.admin, 'groupBy=score');
    expect(groups.map((g: Body) => [g.key, g.leads.value, g.leads.previous, g.converted])).toEqual([
      ['COLD', 3, 1, 1],
      ['HOT', 2, 1, 0],
      ['WARM', 2, 1, 0],
    ]);
  });

  it("gives an AGENT their own leads only (their own group by assignee), and refuses another member's", async () => {
    const own = await funnel(agent, 'groupBy=assignedToId');
    expect(own.window.agentId).toBe(agent.id);
    expect(own.groups.map((g: Body) => [g.key, g.leads])).toEqual([[agent.id, { value: 3, previous: 1, delta: 2 }]]);
    expect((await funnel(agent, 'groupBy=source')).groups).toEqual([referral]);
    expect((await funnel(agent, `groupBy=source&agentId=${agent.id}`)).groups).toEqual([referral]);
    const other = await t.http
      .get(`/v1/analytics/leads?${PERIOD}&agentId=${a.admin.id}`)
      .set(as(agent, a.id))
      .expect(403);
    expect(other.body.code).toBe('FORBIDDEN');
  });

  it("gives a VIEWER the organization's funnel and a MANAGER one agent's with agentId", async () => {
    expect(await funnel(viewer, 'groupBy=campaignId')).toEqual(await funnel(a.admin, 'groupBy=campaignId'));
    const narrowed = await funnel(manager, `groupBy=source&agentId=${agent.id}`);
    expect(narrowed.window.agentId).toBe(agent.id);
    expect(narrowed.groups).toEqual([referral]);
    // An agent with no leads: no groups, not an error.
    expect((await funnel(manager, `groupBy=source&agentId=${idle.id}`)).groups).toEqual([]);
  });

  it('answers no groups for a period without leads', async () => {
    const { body } = await t.http
      .get('/v1/analytics/leads?from=2025-01-01&to=2025-01-31&groupBy=campaignId')
      .set(as(a.admin, a.id))
      .expect(200);
    expect(body.groups).toEqual([]);
  });

  it("counts in the organization's time zone, and never another organization's leads", async () => {
    // Organization B's own leads: one on 28 February and one on 10 March, New York time.
    const own = await funnel(b.admin, 'groupBy=source', b);
    expect(own.window.timeZone).toBe('America/New_York');
    expect(own.groups).toEqual([
      {
        key: 'REFERRAL',
        label: 'REFERRAL',
        leads: { value: 1, previous: 1, delta: 0 },
        byStatus: byStatus({ LOST: 1 }),
        contacted: 1,
        qualified: 0,
        converted: 0,
        lost: 1,
        qualificationRate: { value: 0, previous: 0, delta: 0 },
        responseRate: { value: 1, previous: 0, delta: 1 },
        conversionRate: { value: 0, previous: 0, delta: 0 },
      },
    ]);
    // A's member id in B's figures narrows to nothing; B's admin on A's organization is refused.
    expect((await funnel(b.admin, `agentId=${agent.id}`, b)).groups).toEqual([]);
    const denied = await t.http.get(`/v1/analytics/leads?${PERIOD}`).set(as(b.admin, a.id)).expect(403);
    expect(denied.body.code).toBe('NOT_A_MEMBER');
    await t.http.get(`/v1/analytics/leads?${PERIOD}`).set(as(a.admin, a.id)).expect(200);
  });

  it('refuses an unknown groupBy with 400', async () => {
    for (const groupBy of ['status', 'campaign_id', '']) {
      const { body } = await t.http
        .get(`/v1/analytics/leads?${PERIOD}&groupBy=${groupBy}`)
        .set(as(a.admin, a.id))
        .expect(400);
      expect(body.code).toBe('VALIDATION_FAILED');
      expect(body.details).toEqual([expect.objectContaining({ field: 'groupBy' })]);
    }
  });

  it('answers in three statements: the tenant, the window and the funnel', async () => {
    const counter = countStatements(t.app);
    try {
      for (const groupBy of ['source', 'campaignId', 'assignedToId', 'score']) {
        const sent = await counter.count(() =>
          t.http.get(`/v1/analytics/leads?${PERIOD}&groupBy=${groupBy}`).set(as(manager, a.id)).expect(200),
        );
        expect(sent).toBe(3);
      }
    } finally {
      counter.restore();
    }
  });
});
