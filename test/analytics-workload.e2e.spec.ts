// Issue 18, item 4: GET /v1/analytics/workload — each member's open work now, from fixtures whose
// answers are counted by hand; one statement under RLS; AGENT/VIEWER/MANAGER and tenants.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { addMember, as, type Org, type User, twoOrganizations } from './helpers/fixtures.js';
import { captureStatements, explainAs, seqScanned } from './helpers/explain.js';
import { countStatements } from './helpers/statements.js';

type Body = Record<string, any>;

const ZERO = {
  openLeads: 0,
  openDeals: 0,
  activitiesDue: 0,
  activitiesOverdue: 0,
  upcomingAppointments: 0,
  openTickets: 0,
  overdueTickets: 0,
};

describe('GET /v1/analytics/workload', () => {
  const { t, a, b } = twoOrganizations();
  let manager: User;
  let agent: User;
  let idle: User;
  let viewer: User;
  let agentB: User;

  /** Inserts rows as the owner (RLS does not apply): statuses and instants exactly as the test needs. */
  const sql = (text: string, params: unknown[]) => t.db.admin.query<{ id: string }>(text, params);
  const lead = (org: Org, assignee: User | null, status: string, deleted = false) =>
    sql(
      `INSERT INTO leads (organization_id, name, status, assigned_to_id, deleted_at)
       VALUES ($1, 'L', $2, $3, CASE WHEN $4 THEN now() END) RETURNING id`,
      [org.id, status, assignee?.id ?? null, deleted],
    );
  const deal = (org: Org, assignee: User, status: string, deleted = false) =>
    sql(
      `INSERT INTO deals (organization_id, title, value, status, stage, lost_reason, actual_close_date, assigned_to_id, deleted_at)
       SELECT $1, 'D', 1000, s, st, CASE WHEN s = 'LOST' THEN 'Price' END, CASE WHEN s IN ('WON', 'LOST') THEN current_date END,
              $3, CASE WHEN $4 THEN now() END
         FROM (SELECT $2::"DealStatus" AS s,
                      (CASE $2 WHEN 'WON' THEN 'CLOSED_WON' WHEN 'LOST' THEN 'CLOSED_LOST' ELSE 'LEAD' END)::"DealStage" AS st) x
       RETURNING id`,
      [org.id, status, assignee.id, deleted],
    );
  /** An activity due `hours` from now (negative: past), completed or not. */
  const activity = (org: Org, assignee: User, hours: number | null, completed = false) =>
    sql(
      `INSERT INTO activities (organization_id, type, title, assigned_to_id, due_date, completed_at, contact_id)
       SELECT $1, 'TASK', 'A', $2, now() + make_interval(hours => $3::int), CASE WHEN $4 THEN now() END, c.id
         FROM contacts c WHERE c.organization_id = $1 LIMIT 1
       RETURNING id`,
      [org.id, assignee.id, hours, completed],
    );
  /** A one-hour appointment starting `hours` from now. */
  const appointment = (org: Org, agentOf: User, hours: number, status: string) =>
    sql(
      `INSERT INTO appointments (organization_id, title, status, agent_id, starts_at, ends_at)
       VALUES ($1, 'Ap', $2, $3, now() + make_interval(hours => $4::int), now() + make_interval(hours => $4::int + 1))
       RETURNING id`,
      [org.id, status, agentOf.id, hours],
    );
  /** A ticket assigned to `assignees`, due `dueHours` from now (null: no due date). */
  const ticket = async (org: Org, assignees: User[], status: string, dueHours: number | null) => {
    const [row] = await sql(
      `INSERT INTO tickets (organization_id, title, status, due_at)
       VALUES ($1, 'T', $2, now() + make_interval(hours => $3::int)) RETURNING id`,
      [org.id, status, dueHours],
    );
    for (const user of assignees) {
      await sql(`INSERT INTO ticket_assignees (organization_id, ticket_id, user_id) VALUES ($1, $2, $3) RETURNING id`, [
        org.id,
        row.id,
        user.id,
      ]);
    }
  };

  beforeAll(async () => {
    manager = await addMember(t.http, a, 'MANAGER');
    agent = await addMember(t.http, a, 'AGENT');
    idle = await addMember(t.http, a, 'AGENT');
    viewer = await addMember(t.http, a, 'VIEWER');
    agentB = await addMember(t.http, b, 'AGENT');
    // An activity needs a subject: a contact, which is no one's work.
    await sql(`INSERT INTO contacts (organization_id, name) VALUES ($1, 'Subject') RETURNING id`, [a.id]);

    // The AGENT: 3 open leads (NEW_LEAD, IN_CONTACT, QUALIFIED); not CONVERTED, LOST or deleted ones.
    for (const status of ['NEW_LEAD', 'IN_CONTACT', 'QUALIFIED', 'CONVERTED', 'LOST']) await lead(a, agent, status);
    await lead(a, agent, 'NEW_LEAD', true);
    // 2 open deals: ACTIVE ones, not WON, LOST, ABANDONED or a deleted ACTIVE one.
    await deal(a, agent, 'ACTIVE');
    await deal(a, agent, 'ACTIVE');
    await deal(a, agent, 'WON');
    await deal(a, agent, 'LOST');
    await deal(a, agent, 'ABANDONED');
    await deal(a, agent, 'ACTIVE', true);
    // Activities: due in 1 h and 6 days (2 due), 1 h ago (1 overdue); not 8 days ahead, a
    // completed overdue one, or one without a due date.
    await activity(a, agent, 1);
    await activity(a, agent, 6 * 24);
    await activity(a, agent, -1);
    await activity(a, agent, 8 * 24);
    await activity(a, agent, -72, true);
    await activity(a, agent, null);
    // Appointments: SCHEDULED in 2 days and CONFIRMED in 6 days (2); not COMPLETED, CANCELLED,
    // 8 days ahead, or already started.
    await appointment(a, agent, 48, 'SCHEDULED');
    await appointment(a, agent, 6 * 24, 'CONFIRMED');
    await appointment(a, agent, 24, 'COMPLETED');
    await appointment(a, agent, 30, 'CANCELLED');
    await appointment(a, agent, 8 * 24, 'SCHEDULED');
    await appointment(a, agent, -2, 'SCHEDULED');
    // Tickets: one OPEN and overdue shared with the ADMIN, one IN_PROGRESS without a due date,
    // one PENDING_CUSTOMER due tomorrow; not a RESOLVED or a CLOSED overdue one.
    await ticket(a, [agent, a.admin], 'OPEN', -24);
    await ticket(a, [agent], 'IN_PROGRESS', null);
    await ticket(a, [agent], 'PENDING_CUSTOMER', 24);
    await ticket(a, [agent], 'RESOLVED', -24);
    await ticket(a, [agent], 'CLOSED', -24);

    // The ADMIN: one open lead, one overdue activity, and the shared ticket.
    await lead(a, a.admin, 'IN_CONTACT');
    await activity(a, a.admin, -5);
    // The MANAGER: one upcoming appointment. Unassigned records count for nobody.
    await appointment(a, manager, 3, 'SCHEDULED');
    await lead(a, null, 'NEW_LEAD');

    // Organization B: work that must never show in A.
    await lead(b, agentB, 'NEW_LEAD');
    await deal(b, agentB, 'ACTIVE');
    await ticket(b, [agentB], 'OPEN', -1);
  });

  const workload = async (user: User, org: Org = a, query = '') =>
    (await t.http.get(`/v1/analytics/workload${query}`).set(as(user, org.id)).expect(200)).body as Body;

  const rowOf = (body: Body, user: User) => body.data.find((row: Body) => row.userId === user.id);

  it("gives a MANAGER every member's row, counted by hand, zeros for a member with nothing", async () => {
    const body = await workload(manager);
    expect(body.data).toHaveLength(5);
    expect(body.data.map((row: Body) => row.userId).sort()).toEqual(
      [a.admin, manager, agent, idle, viewer].map((u) => u.id).sort(),
    );
    expect(rowOf(body, agent)).toEqual({
      userId: agent.id,
      email: agent.email,
      fullName: 'AGENT user',
      role: 'AGENT',
      openLeads: 3,
      openDeals: 2,
      activitiesDue: 2,
      activitiesOverdue: 1,
      upcomingAppointments: 2,
      openTickets: 3,
      overdueTickets: 1,
    });
    expect(rowOf(body, a.admin)).toMatchObject({
      role: 'ADMIN',
      ...ZERO,
      openLeads: 1,
      activitiesOverdue: 1,
      openTickets: 1,
      overdueTickets: 1,
    });
    expect(rowOf(body, manager)).toMatchObject({ role: 'MANAGER', ...ZERO, upcomingAppointments: 1 });
    expect(rowOf(body, idle)).toMatchObject({ role: 'AGENT', ...ZERO });
    expect(rowOf(body, viewer)).toMatchObject({ role: 'VIEWER', ...ZERO });
    // Ordered by email.
    const emails = body.data.map((row: Body) => row.email);
    expect(emails).toEqual([...emails].sort());
    expect(Math.abs(Date.parse(body.asOf) - Date.now())).toBeLessThan(60_000);
    expect(body.window).toMatchObject({ period: '30d', interval: 'day', agentId: null, timeZone: 'UTC' });
  });

  it("gives a VIEWER and an ADMIN the MANAGER's figures", async () => {
    const { data } = await workload(manager);
    expect((await workload(viewer)).data).toEqual(data);
    expect((await workload(a.admin)).data).toEqual(data);
  });

  it('narrows to one member with agentId: the row that member gets as an AGENT', async () => {
    const narrowed = await workload(manager, a, `?agentId=${agent.id}`);
    expect(narrowed.window.agentId).toBe(agent.id);
    expect(narrowed.data).toHaveLength(1);
    const own = await workload(agent);
    expect(own.window.agentId).toBe(agent.id);
    expect(own.data).toEqual(narrowed.data);
    expect((await workload(agent, a, `?agentId=${agent.id}`)).data).toEqual(narrowed.data);
    expect((await workload(manager, a, `?agentId=${idle.id}`)).data).toEqual([
      expect.objectContaining({ userId: idle.id, ...ZERO }),
    ]);
    // Not a member of A: no row.
    expect((await workload(manager, a, `?agentId=${agentB.id}`)).data).toEqual([]);
  });

  it("refuses an AGENT another member's row (403), and gives one with nothing zeros", async () => {
    const res = await t.http.get(`/v1/analytics/workload?agentId=${a.admin.id}`).set(as(agent, a.id)).expect(403);
    expect(res.body.code).toBe('FORBIDDEN');
    expect((await workload(idle)).data).toEqual([expect.objectContaining({ userId: idle.id, ...ZERO })]);
  });

  it("keeps organizations apart: B's members and work only in B, A's routes refused to B's admin", async () => {
    const inB = await workload(b.admin, b);
    expect(inB.data.map((row: Body) => row.userId).sort()).toEqual([b.admin.id, agentB.id].sort());
    expect(rowOf(inB, agentB)).toMatchObject({ openLeads: 1, openDeals: 1, openTickets: 1, overdueTickets: 1 });
    // B's admin naming organization A: not a member (the allowed control is every test above).
    await t.http.get('/v1/analytics/workload').set(as(b.admin, a.id)).expect(403);
    expect(rowOf(await workload(a.admin), agentB)).toBeUndefined();
  });

  it('validates the common query (400 VALIDATION_FAILED)', async () => {
    for (const query of [
      '?period=2w',
      '?interval=hour',
      '?agentId=nope',
      '?from=2026-01-01',
      '?from=2026-02-30&to=2026-03-01',
    ]) {
      const res = await t.http.get(`/v1/analytics/workload${query}`).set(as(manager, a.id)).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
  });

  it('answers in one statement after the window', async () => {
    const counter = countStatements(t.app);
    try {
      const sent = (user: User) =>
        counter.count(() => t.http.get('/v1/analytics/workload').set(as(user, a.id)).expect(200));
      // app.begin_request, the window, the figures.
      expect(await sent(manager)).toBe(3);
      expect(await sent(agent)).toBe(3);
    } finally {
      counter.restore();
    }
  });

  it("reads the organization's open leads by index, among 12,000 of other organizations", async () => {
    await t.db.admin.exec(`
      INSERT INTO organizations (id, name)
        SELECT md5('analytics-workload-org-' || o)::uuid, 'Seeded ' || o FROM generate_series(1, 12) o;
      INSERT INTO leads (organization_id, name, status)
        SELECT md5('analytics-workload-org-' || (1 + g % 12))::uuid, 'Seeded ' || g,
               (ARRAY['NEW_LEAD','IN_CONTACT','QUALIFIED','CONVERTED','LOST'])[1 + g % 5]::"LeadStatus"
          FROM generate_series(1, 12000) g;
      ANALYZE leads;
    `);
    for (const user of [manager, agent]) {
      const statements = await captureStatements(t.app, () =>
        t.http.get('/v1/analytics/workload').set(as(user, a.id)).expect(200),
      );
      const figures = statements.filter((s) => /open_leads AS/.test(s.sql));
      expect(figures).toHaveLength(1);
      expect(seqScanned(await explainAs(t.db.admin, figures[0], user.id, a.id))).not.toContain('leads');
    }
  }, 120_000);
});
