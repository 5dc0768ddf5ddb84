// Issue 18, item 5: GET /v1/analytics/contacts — seed 001's customer stats from fixtures whose
// answers are counted by hand; AGENT/VIEWER/MANAGER, agentId, tenants, an empty period.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { addMember, as, type Org, type User, twoOrganizations } from './helpers/fixtures.js';
import { countStatements } from './helpers/statements.js';

type Body = Record<string, any>;

/** 14 days (Monday 1 June to Sunday 14 June 2026) in weeks: the previous period is 18–31 May. */
const JUNE = '?from=2026-06-01&to=2026-06-14&interval=week';

const NO_TYPES = { PROSPECT: 0, CLIENT: 0, PAST_CLIENT: 0, PARTNER: 0, VENDOR: 0 };
const NO_STATUSES = { ACTIVE: 0, INACTIVE: 0, DO_NOT_CONTACT: 0 };
const NO_RECENCY = { within7Days: 0, days8To30: 0, days31To90: 0, over90Days: 0, never: 0 };

describe('GET /v1/analytics/contacts', () => {
  const { t, a, b } = twoOrganizations();
  let manager: User;
  let agent: User;
  let idle: User;
  let viewer: User;

  interface ContactSpec {
    assignee: User | null;
    type: string;
    status: string;
    createdAt: string;
    /** Days before now it was last contacted; null: never. */
    lastContactDaysAgo: number | null;
    deleted?: boolean;
  }

  /** Inserted as the owner, with the instants the figures depend on. */
  const contact = async (org: Org, c: ContactSpec): Promise<string> => {
    const [row] = await t.db.admin.query<{ id: string }>(
      `INSERT INTO contacts (organization_id, name, type, status, assigned_to_id, created_at, last_contact_at, deleted_at)
       VALUES ($1, 'C', $2, $3, $4, $5, now() - make_interval(days => $6::int), CASE WHEN $7 THEN now() END) RETURNING id`,
      [org.id, c.type, c.status, c.assignee?.id ?? null, c.createdAt, c.lastContactDaysAgo, c.deleted ?? false],
    );
    return row.id;
  };

  const deal = (org: Org, contactId: string, assignee: User, status: 'ACTIVE' | 'WON', deleted = false) =>
    t.db.admin.query(
      `INSERT INTO deals (organization_id, title, value, status, stage, actual_close_date, contact_id, assigned_to_id, deleted_at)
       VALUES ($1, 'D', 1000, $2::"DealStatus", CASE WHEN $2::text = 'WON' THEN 'CLOSED_WON' ELSE 'PROPOSAL' END::"DealStage",
               CASE WHEN $2::text = 'WON' THEN current_date END, $3, $4, CASE WHEN $5 THEN now() END)`,
      [org.id, status, contactId, assignee.id, deleted],
    );

  beforeAll(async () => {
    manager = await addMember(t.http, a, 'MANAGER');
    agent = await addMember(t.http, a, 'AGENT');
    idle = await addMember(t.http, a, 'AGENT');
    viewer = await addMember(t.http, a, 'VIEWER');

    // The AGENT's contacts: c1, c2 created in the period (weeks of 1 and 8 June), c3 and c7 in
    // the previous period; c6 deleted (counted nowhere).
    const c1 = await contact(a, {
      assignee: agent,
      type: 'PROSPECT',
      status: 'ACTIVE',
      createdAt: '2026-06-02T10:00:00Z',
      lastContactDaysAgo: 2,
    });
    const c2 = await contact(a, {
      assignee: agent,
      type: 'CLIENT',
      status: 'ACTIVE',
      createdAt: '2026-06-08T00:00:00Z',
      lastContactDaysAgo: 10,
    });
    const c3 = await contact(a, {
      assignee: agent,
      type: 'CLIENT',
      status: 'INACTIVE',
      createdAt: '2026-05-20T12:00:00Z',
      lastContactDaysAgo: 45,
    });
    await contact(a, {
      assignee: agent,
      type: 'PARTNER',
      status: 'ACTIVE',
      createdAt: '2026-05-31T23:59:59Z',
      lastContactDaysAgo: null,
    });
    await contact(a, {
      assignee: agent,
      type: 'PROSPECT',
      status: 'ACTIVE',
      createdAt: '2026-06-03T00:00:00Z',
      lastContactDaysAgo: 1,
      deleted: true,
    });
    // The ADMIN's c4 (last second of the period) and an unassigned c5 (just after it).
    const c4 = await contact(a, {
      assignee: a.admin,
      type: 'PAST_CLIENT',
      status: 'DO_NOT_CONTACT',
      createdAt: '2026-06-14T23:59:59.999Z',
      lastContactDaysAgo: 200,
    });
    await contact(a, {
      assignee: null,
      type: 'VENDOR',
      status: 'ACTIVE',
      createdAt: '2026-06-15T00:00:00Z',
      lastContactDaysAgo: null,
    });
    // Open deals: c1's (the AGENT's), c3's and c4's (the ADMIN's); c2 has only a WON deal and
    // c4 also a deleted ACTIVE one.
    await deal(a, c1, agent, 'ACTIVE');
    await deal(a, c2, agent, 'WON');
    await deal(a, c3, a.admin, 'ACTIVE');
    await deal(a, c4, a.admin, 'ACTIVE');
    await deal(a, c4, a.admin, 'ACTIVE', true);

    // Organization B: one contact of its own.
    await contact(b, {
      assignee: b.admin,
      type: 'VENDOR',
      status: 'ACTIVE',
      createdAt: '2026-06-05T00:00:00Z',
      lastContactDaysAgo: null,
    });
  });

  const stats = async (user: User, query = JUNE, org: Org = a) =>
    (await t.http.get(`/v1/analytics/contacts${query}`).set(as(user, org.id)).expect(200)).body as Body;

  const organizationFigures = {
    total: 6,
    byType: { PROSPECT: 1, CLIENT: 2, PAST_CLIENT: 1, PARTNER: 1, VENDOR: 1 },
    byStatus: { ACTIVE: 4, INACTIVE: 1, DO_NOT_CONTACT: 1 },
    withOpenDeals: 3,
    lastContacted: { within7Days: 1, days8To30: 1, days31To90: 1, over90Days: 1, never: 2 },
    created: { value: 3, previous: 2, delta: 1 },
    series: [
      { bucket: '2026-06-01', created: 1 },
      { bucket: '2026-06-08', created: 2 },
    ],
  };

  it("gives a MANAGER the organization's figures, counted by hand", async () => {
    const body = await stats(manager);
    expect(body).toEqual({
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
      ...organizationFigures,
    });
  });

  it("gives a VIEWER and an ADMIN the MANAGER's figures", async () => {
    expect(await stats(viewer)).toEqual(await stats(manager));
    expect(await stats(a.admin)).toEqual(await stats(manager));
  });

  const agentFigures = {
    total: 4,
    byType: { ...NO_TYPES, PROSPECT: 1, CLIENT: 2, PARTNER: 1 },
    byStatus: { ...NO_STATUSES, ACTIVE: 3, INACTIVE: 1 },
    // c3's open deal is the ADMIN's, not the AGENT's.
    withOpenDeals: 1,
    lastContacted: { within7Days: 1, days8To30: 1, days31To90: 1, over90Days: 0, never: 1 },
    created: { value: 2, previous: 2, delta: 0 },
    series: [
      { bucket: '2026-06-01', created: 1 },
      { bucket: '2026-06-08', created: 1 },
    ],
  };

  it('gives an AGENT the figures of their own contacts, and a MANAGER the same with agentId', async () => {
    const own = await stats(agent);
    expect(own).toMatchObject({ ...agentFigures, window: { agentId: agent.id } });
    expect(await stats(agent, `${JUNE}&agentId=${agent.id}`)).toEqual(own);
    expect(await stats(manager, `${JUNE}&agentId=${agent.id}`)).toEqual(own);
  });

  it("refuses an AGENT another member's figures (403 FORBIDDEN)", async () => {
    const res = await t.http
      .get(`/v1/analytics/contacts${JUNE}&agentId=${manager.id}`)
      .set(as(agent, a.id))
      .expect(403);
    expect(res.body.code).toBe('FORBIDDEN');
  });

  it('answers zeros for a member with no contacts, every type, status, band and bucket present', async () => {
    expect(await stats(idle)).toMatchObject({
      total: 0,
      byType: NO_TYPES,
      byStatus: NO_STATUSES,
      withOpenDeals: 0,
      lastContacted: NO_RECENCY,
      created: { value: 0, previous: 0, delta: 0 },
      series: [
        { bucket: '2026-06-01', created: 0 },
        { bucket: '2026-06-08', created: 0 },
      ],
    });
  });

  it('answers an empty period with zero buckets, the state now unchanged', async () => {
    const body = await stats(manager, '?from=2025-01-01&to=2025-01-03&interval=day');
    expect(body.created).toEqual({ value: 0, previous: 0, delta: 0 });
    expect(body.series).toEqual([
      { bucket: '2025-01-01', created: 0 },
      { bucket: '2025-01-02', created: 0 },
      { bucket: '2025-01-03', created: 0 },
    ]);
    expect(body.total).toBe(6);
    expect(body.byType).toEqual(organizationFigures.byType);
  });

  it("keeps organizations apart: B sees its one contact, B's admin is refused A (with the allowed control)", async () => {
    const inB = await stats(b.admin, JUNE, b);
    expect(inB).toMatchObject({
      total: 1,
      byType: { ...NO_TYPES, VENDOR: 1 },
      withOpenDeals: 0,
      created: { value: 1, previous: 0, delta: 1 },
    });
    await t.http.get(`/v1/analytics/contacts${JUNE}`).set(as(b.admin, a.id)).expect(403);
    await t.http.get(`/v1/analytics/contacts${JUNE}`).set(as(a.admin, a.id)).expect(200);
    // An A member named as agentId in B narrows to nothing.
    expect((await stats(b.admin, `${JUNE}&agentId=${agent.id}`, b)).total).toBe(0);
  });

  it('answers in two statements after the window', async () => {
    const counter = countStatements(t.app);
    try {
      const sent = (user: User) =>
        counter.count(() => t.http.get(`/v1/analytics/contacts${JUNE}`).set(as(user, a.id)).expect(200));
      // app.begin_request, the window, the state and totals, the buckets.
      expect(await sent(manager)).toBe(4);
      expect(await sent(agent)).toBe(4);
    } finally {
      counter.restore();
    }
  });
});
