// Issue 18, item 3: GET /v1/analytics/agents — the leaderboard of every member, beside the
// previous period, from a dataset whose answers are computed by hand below. Custom from/to
// periods keep the answers independent of today; dates are set through the owner session.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UnitOfWork } from '../src/database/unit-of-work.js';
import type { QueryOptions } from '../src/database/connection.js';
import { bootApp, type TestApp } from './helpers/app.js';
import {
  addMember,
  as,
  createLead,
  createOrg,
  markEmailVerified,
  type Org,
  signup,
  type User,
  twoOrganizations,
} from './helpers/fixtures.js';
import { createActivity, createAppointment, createContact, createDeal } from './helpers/records.js';
import { countStatements } from './helpers/statements.js';

type Body = Record<string, any>;

// The current period: 1–10 March 2026 (UTC); the previous one: 19–28 February.
const PERIOD = 'from=2026-03-01&to=2026-03-10';

/** A member with nothing in either period. */
const nothing = {
  leadsAssigned: { value: 0, previous: 0, delta: 0 },
  speedToLead: { value: null, previous: null, delta: null },
  contactsMade: { value: 0, previous: 0, delta: 0 },
  appointmentsHeld: { value: 0, previous: 0, delta: 0 },
  dealsWon: { value: 0, previous: 0, delta: 0 },
  dealsWonValue: { value: '0.00', previous: '0.00', delta: '0.00' },
  conversionRate: { value: null, previous: null, delta: null },
};

describe('GET /v1/analytics/agents', () => {
  const { t, a, b } = twoOrganizations();
  let ada: User;
  let ben: User;
  let idle: User;
  let manager: User;
  let viewer: User;
  /** What the activities are about: a contact, so that no lead's first response moves. */
  let client: Body;

  const member = async (org: Org, name: string, role: string): Promise<User> => {
    const user = await signup(t.http, name);
    await markEmailVerified(t.http, user.id);
    await t.http.post('/v1/members').set(as(org.admin, org.id)).send({ email: user.email, role }).expect(201);
    return user;
  };

  /** A lead of `owner` created at `createdAt`, answered `answeredAfter` seconds later (negative: before). */
  const lead = async (
    owner: User | null,
    createdAt: string,
    status = 'NEW_LEAD',
    answeredAfter: number | null = null,
    deleted = false,
  ) => {
    const made = await createLead(t.http, a.admin, a.id, { assignedToId: owner?.id ?? null });
    // Status first: leaving NEW_LEAD stamps first_response_at (a trigger), which the next statement sets as wanted.
    await t.db.admin.query(`UPDATE leads SET status = $2 WHERE id = $1`, [made.id, status]);
    await t.db.admin.query(
      `UPDATE leads SET created_at = $2::timestamptz,
              first_response_at = $2::timestamptz + make_interval(secs => $3),
              deleted_at = CASE WHEN $4 THEN now() END
        WHERE id = $1`,
      [made.id, createdAt, answeredAfter, deleted],
    );
  };

  const activity = (owner: User, type: string, completedAt: string | null) =>
    createActivity(t.http, a.admin, a.id, {
      type,
      contactId: client.id,
      assignedToId: owner.id,
      ...(completedAt ? { completedAt } : { dueDate: '2026-03-05T12:00:00Z' }),
    });

  let slot = 0;
  const appointment = async (owner: User, startsAt: string, status: string) => {
    // Booked in a free future slot, then moved to its place in the past.
    slot += 1;
    const future = new Date(Date.now() + slot * 86_400_000);
    const made = await createAppointment(t.http, a.admin, a.id, {
      agentId: owner.id,
      startsAt: future.toISOString(),
      endsAt: new Date(future.getTime() + 3_600_000).toISOString(),
    });
    await t.db.admin.query(
      `UPDATE appointments SET starts_at = $2::timestamptz, ends_at = $2::timestamptz + interval '1 hour', status = $3
        WHERE id = $1`,
      [made.id, startsAt, status],
    );
  };

  const deal = async (owner: User, value: string, closed: string, status = 'WON', deleted = false) => {
    const made = await createDeal(t.http, a.admin, a.id, { value, assignedToId: owner.id });
    await t.db.admin.query(
      `UPDATE deals SET status = $2, stage = $3, actual_close_date = $4::date, lost_reason = $5,
              deleted_at = CASE WHEN $6 THEN now() END
        WHERE id = $1`,
      [
        made.id,
        status,
        status === 'WON' ? 'CLOSED_WON' : 'CLOSED_LOST',
        closed,
        status === 'WON' ? null : 'Price',
        deleted,
      ],
    );
  };

  beforeAll(async () => {
    ada = await member(a, 'Ada Agent', 'AGENT');
    ben = await member(a, 'Ben Agent', 'AGENT');
    idle = await member(a, 'Zed Idle', 'AGENT');
    manager = await member(a, 'Mia Manager', 'MANAGER');
    viewer = await member(a, 'Vic Viewer', 'VIEWER');
    client = await createContact(t.http, a.admin, a.id);

    // Ada. This period: 4 leads, answered after 60 s, 300 s, never, and before creation (0 s):
    // median 60 s; 1 converted of 4. The previous: 2 leads answered after 600 s and 1200 s
    // (median 900 s), both converted.
    await lead(ada, '2026-03-02T10:00:00Z', 'CONVERTED', 60);
    await lead(ada, '2026-03-03T10:00:00Z', 'IN_CONTACT', 300);
    await lead(ada, '2026-03-04T10:00:00Z');
    await lead(ada, '2026-03-05T10:00:00Z', 'QUALIFIED', -120);
    await lead(ada, '2026-02-20T10:00:00Z', 'CONVERTED', 600);
    await lead(ada, '2026-02-28T23:59:59.999Z', 'CONVERTED', 1200);
    // Not Ada's figures: a deleted lead, one created at the period's end, one before the previous period.
    await lead(ada, '2026-03-06T10:00:00Z', 'CONVERTED', 10, true);
    await lead(ada, '2026-03-11T00:00:00Z', 'CONVERTED', 10);
    await lead(ada, '2026-02-18T23:59:59.999Z', 'CONVERTED', 10);
    // Contacts: 2 this period, 1 the previous; a TASK, an open CALL and a CALL after the period do not count.
    await activity(ada, 'CALL', '2026-03-02T11:00:00Z');
    await activity(ada, 'EMAIL', '2026-03-10T23:59:00Z');
    await activity(ada, 'MEETING', '2026-02-25T11:00:00Z');
    await activity(ada, 'TASK', '2026-03-03T11:00:00Z');
    await activity(ada, 'CALL', null);
    await activity(ada, 'CALL', '2026-03-11T00:00:00Z');
    // Appointments held: 1 and 1; a no-show and a cancelled one do not count.
    await appointment(ada, '2026-03-05T15:00:00Z', 'COMPLETED');
    await appointment(ada, '2026-02-22T15:00:00Z', 'COMPLETED');
    await appointment(ada, '2026-03-06T15:00:00Z', 'NO_SHOW');
    await appointment(ada, '2026-03-07T15:00:00Z', 'CANCELLED');
    // Deals won: 2 worth 750,000.50 this period (its first and last day), 1 worth 100,000 the
    // previous; lost, deleted and later ones do not count.
    await deal(ada, '500000.00', '2026-03-10');
    await deal(ada, '250000.50', '2026-03-01');
    await deal(ada, '100000.00', '2026-02-28');
    await deal(ada, '900000.00', '2026-03-05', 'LOST');
    await deal(ada, '900000.00', '2026-03-05', 'WON', true);
    await deal(ada, '900000.00', '2026-03-11');

    // Ben: 2 leads this period answered after 30 s and 90 s (median 60 s), 1 converted; 3 calls.
    await lead(ben, '2026-03-06T10:00:00Z', 'IN_CONTACT', 30);
    await lead(ben, '2026-03-07T10:00:00Z', 'CONVERTED', 90);
    for (const day of ['02', '03', '04']) await activity(ben, 'CALL', `2026-03-${day}T09:00:00Z`);

    // The ADMIN: one lead, never answered. An unassigned lead is nobody's.
    await lead(a.admin, '2026-03-08T10:00:00Z');
    await lead(null, '2026-03-08T10:00:00Z', 'CONVERTED', 5);
  });

  const board = async (user: User, query = '', org: Org = a): Promise<Body> =>
    (await t.http.get(`/v1/analytics/agents?${PERIOD}&${query}`).set(as(user, org.id)).expect(200)).body;
  const names = (body: Body) => body.data.map((row: Body) => row.fullName);

  const adaRow = () => ({
    agentId: ada.id,
    fullName: 'Ada Agent',
    email: ada.email,
    role: 'AGENT',
    leadsAssigned: { value: 4, previous: 2, delta: 2 },
    speedToLead: { value: 60, previous: 900, delta: -840 },
    contactsMade: { value: 2, previous: 1, delta: 1 },
    appointmentsHeld: { value: 1, previous: 1, delta: 0 },
    dealsWon: { value: 2, previous: 1, delta: 1 },
    dealsWonValue: { value: '750000.50', previous: '100000.00', delta: '650000.50' },
    conversionRate: { value: 0.25, previous: 1, delta: -0.75 },
  });

  it('lists every member with their figures, most leads first, then by name, zeros included', async () => {
    const body = await board(a.admin);
    expect(body.sort).toBe('-leadsAssigned');
    expect(body.window).toMatchObject({
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-11T00:00:00.000Z',
      previousFrom: '2026-02-19T00:00:00.000Z',
      previousTo: '2026-03-01T00:00:00.000Z',
      agentId: null,
    });
    const zeros = (user: User, fullName: string, role: string) => ({
      agentId: user.id,
      fullName,
      email: user.email,
      role,
      ...nothing,
    });
    expect(body.data).toEqual([
      adaRow(),
      {
        agentId: ben.id,
        fullName: 'Ben Agent',
        email: ben.email,
        role: 'AGENT',
        ...nothing,
        leadsAssigned: { value: 2, previous: 0, delta: 2 },
        speedToLead: { value: 60, previous: null, delta: null },
        contactsMade: { value: 3, previous: 0, delta: 3 },
        conversionRate: { value: 0.5, previous: null, delta: null },
      },
      {
        ...zeros(a.admin, 'A Admin', 'ADMIN'),
        leadsAssigned: { value: 1, previous: 0, delta: 1 },
        conversionRate: { value: 0, previous: null, delta: null },
      },
      zeros(manager, 'Mia Manager', 'MANAGER'),
      zeros(viewer, 'Vic Viewer', 'VIEWER'),
      // An agent with no records at all.
      zeros(idle, 'Zed Idle', 'AGENT'),
    ]);
  });

  it('sorts by any figure, either way, members without it last, ties by name', async () => {
    expect(names(await board(a.admin, 'sort=speedToLead'))).toEqual([
      'Ada Agent', // 60 s, tied with Ben: by name
      'Ben Agent',
      'A Admin', // no answered lead: last, by name
      'Mia Manager',
      'Vic Viewer',
      'Zed Idle',
    ]);
    expect(names(await board(a.admin, 'sort=-contactsMade'))).toEqual([
      'Ben Agent',
      'Ada Agent',
      'A Admin',
      'Mia Manager',
      'Vic Viewer',
      'Zed Idle',
    ]);
    expect(names(await board(a.admin, 'sort=-conversionRate'))).toEqual([
      'Ben Agent',
      'Ada Agent',
      'A Admin',
      'Mia Manager',
      'Vic Viewer',
      'Zed Idle',
    ]);
    expect(names(await board(a.admin, 'sort=-dealsWonValue'))[0]).toBe('Ada Agent');
    expect(names(await board(a.admin, 'sort=leadsAssigned'))).toEqual([
      'Mia Manager',
      'Vic Viewer',
      'Zed Idle',
      'A Admin',
      'Ben Agent',
      'Ada Agent',
    ]);
    const sorted = await board(a.admin, 'sort=-appointmentsHeld');
    expect(sorted.sort).toBe('-appointmentsHeld');
    expect(sorted.data[0].fullName).toBe('Ada Agent');
  });

  it("gives a MANAGER the leaderboard, or one member's row with agentId — an agent with no leads too", async () => {
    expect(await board(manager)).toEqual(await board(a.admin));
    const one = await board(manager, `agentId=${ada.id}`);
    expect(one.window.agentId).toBe(ada.id);
    expect(one.data).toEqual([adaRow()]);
    expect((await board(manager, `agentId=${idle.id}`)).data).toEqual([
      { agentId: idle.id, fullName: 'Zed Idle', email: idle.email, role: 'AGENT', ...nothing },
    ]);
  });

  it('is 403 for an AGENT and a VIEWER', async () => {
    for (const user of [ada, viewer]) {
      const { body } = await t.http.get(`/v1/analytics/agents?${PERIOD}`).set(as(user, a.id)).expect(403);
      expect(body.code).toBe('FORBIDDEN');
    }
    await t.http.get(`/v1/analytics/agents?${PERIOD}&agentId=${ada.id}`).set(as(ada, a.id)).expect(403);
  });

  it('answers zeros for every member in a period without records', async () => {
    const { body } = await t.http
      .get('/v1/analytics/agents?from=2025-01-01&to=2025-01-31')
      .set(as(a.admin, a.id))
      .expect(200);
    expect(body.data).toHaveLength(6);
    for (const row of body.data) expect(row).toMatchObject(nothing);
  });

  it("never shows another organization's members or figures", async () => {
    const own = await board(b.admin, '', b);
    expect(own.data).toEqual([
      { agentId: b.admin.id, fullName: 'B Admin', email: b.admin.email, role: 'ADMIN', ...nothing },
    ]);
    expect((await board(b.admin, `agentId=${ada.id}`, b)).data).toEqual([]);
    const denied = await t.http.get(`/v1/analytics/agents?${PERIOD}`).set(as(b.admin, a.id)).expect(403);
    expect(denied.body.code).toBe('NOT_A_MEMBER');
    await t.http.get(`/v1/analytics/agents?${PERIOD}`).set(as(a.admin, a.id)).expect(200);
  });

  it('refuses an unknown sort with 400', async () => {
    for (const sort of ['name', 'leads', '--leadsAssigned', 'speedToLead,-dealsWon', '']) {
      const { body } = await t.http
        .get(`/v1/analytics/agents?${PERIOD}&sort=${sort}`)
        .set(as(a.admin, a.id))
        .expect(400);
      expect(body.code).toBe('VALIDATION_FAILED');
      expect(body.details).toEqual([expect.objectContaining({ field: 'sort' })]);
    }
  });

  it('answers in three statements: the tenant, the window and the leaderboard', async () => {
    const counter = countStatements(t.app);
    try {
      const sent = await counter.count(() =>
        t.http.get(`/v1/analytics/agents?${PERIOD}&sort=-dealsWonValue`).set(as(manager, a.id)).expect(200),
      );
      expect(sent).toBe(3);
    } finally {
      counter.restore();
    }
  });
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Alias?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

describe('GET /v1/analytics/agents query plan (EXPLAIN as crm_app with a tenant set)', () => {
  let t: TestApp;
  let org: Org;
  let manager: User;

  /** The statements the SQL layer sends while `fn` runs, with their parameters. */
  async function captured(fn: () => Promise<unknown>): Promise<{ sql: string; params: readonly unknown[] }[]> {
    const seen: { sql: string; params: readonly unknown[] }[] = [];
    const query = Object.getOwnPropertyDescriptor(UnitOfWork.prototype, 'query')!;
    UnitOfWork.prototype.query = function (
      this: UnitOfWork,
      sql: string,
      params: readonly unknown[],
      options?: QueryOptions,
    ) {
      seen.push({ sql, params });
      return query.value.call(this, sql, params, options);
    };
    try {
      await fn();
    } finally {
      Object.defineProperty(UnitOfWork.prototype, 'query', query);
    }
    return seen;
  }

  beforeAll(async () => {
    t = await bootApp();
    org = await createOrg(t.http, 'Plans');
    manager = await addMember(t.http, org, 'MANAGER');
    // 10 more organizations of one member each, and every organization's records interleaved,
    // as when they arrive over time, over about three years (a 90-day window is a small part of
    // them); set-based, as the owner, without the triggers' side work.
    await t.db.admin.exec(`
      INSERT INTO organizations (id, name) SELECT md5('plan-org-' || o)::uuid, 'Seeded ' || o FROM generate_series(1, 10) o;
      INSERT INTO profiles (id, email) SELECT md5('plan-user-' || o)::uuid, o || '@plan.test' FROM generate_series(1, 10) o;
      INSERT INTO memberships (organization_id, user_id, role)
        SELECT md5('plan-org-' || o)::uuid, md5('plan-user-' || o)::uuid, 'ADMIN' FROM generate_series(1, 10) o;
      CREATE TEMP TABLE plan_orgs AS
        SELECT md5('plan-org-' || o)::uuid AS org, md5('plan-user-' || o)::uuid AS member FROM generate_series(1, 10) o
        UNION ALL SELECT '${org.id}'::uuid, '${manager.id}'::uuid;
      SET session_replication_role = replica;
      INSERT INTO leads (organization_id, name, status, assigned_to_id, created_at, first_response_at)
        SELECT p.org, 'Lead ' || i, 'IN_CONTACT', p.member, now() - i * interval '12 hours',
               now() - i * interval '12 hours' + interval '5 minutes'
          FROM generate_series(1, 2000) i, plan_orgs p;
      INSERT INTO contacts (organization_id, name) SELECT org, 'Contact' FROM plan_orgs;
      INSERT INTO activities (organization_id, type, title, completed_at, contact_id, assigned_to_id)
        SELECT c.organization_id, (enum_range(NULL::"ActivityType"))[1 + i % 8], 'Activity',
               CASE WHEN i % 5 > 0 THEN now() - i * interval '4 hours' END, c.id, p.member
          FROM generate_series(1, 3000) i, plan_orgs p JOIN contacts c ON c.organization_id = p.org;
      INSERT INTO deals (organization_id, title, value, stage, status, actual_close_date, assigned_to_id)
        SELECT p.org, 'Deal', 1000,
               CASE WHEN i % 4 = 0 THEN 'CLOSED_WON' ELSE 'LEAD' END::"DealStage",
               CASE WHEN i % 4 = 0 THEN 'WON' ELSE 'ACTIVE' END::"DealStatus",
               CASE WHEN i % 4 = 0 THEN (now() - i * interval '1 day')::date END, p.member
          FROM generate_series(1, 1000) i, plan_orgs p;
      INSERT INTO appointments (organization_id, title, status, starts_at, ends_at, agent_id)
        SELECT p.org, 'Appointment', (enum_range(NULL::"AppointmentStatus"))[1 + i % 5],
               now() - i * interval '1 day', now() - i * interval '1 day' + interval '1 hour', p.member
          FROM generate_series(1, 1000) i, plan_orgs p;
      SET session_replication_role = DEFAULT;
      ANALYZE;
    `);
  });
  afterAll(() => t?.close());

  it('reads each source through an index, the activities, appointments and deals through their partial ones', async () => {
    const statements = await captured(() =>
      t.http.get('/v1/analytics/agents?period=90d').set(as(manager, org.id)).expect(200),
    );
    const leaderboard = statements.filter((s) => s.sql.includes('WITH roster AS'));
    expect(leaderboard).toHaveLength(1);
    await t.db.admin.exec('BEGIN');
    try {
      const [tenant] = await t.db.admin.query<{ org_id: string }>('SELECT * FROM app.begin_request($1, $2)', [
        manager.id,
        org.id,
      ]);
      expect(tenant.org_id).toBe(org.id); // control: the tenant really is set
      const [row] = await t.db.admin.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${leaderboard[0].sql}`, [
        ...leaderboard[0].params,
      ]);
      const doc = row['QUERY PLAN'];
      const plan = (typeof doc === 'string' ? JSON.parse(doc) : doc)[0].Plan as PlanNode;
      // How each source is read: the scan's type and the index it uses (a bitmap scan's is its child's).
      const scansOf = (alias: string) =>
        nodes(plan)
          .filter((n) => n.Alias === alias && n['Relation Name'])
          .map((n) => {
            const index = nodes(n).find((c) => c['Index Name'])?.['Index Name'];
            return `${n['Node Type']} ${index ?? ''}`.trim();
          });
      expect(scansOf('a')).toEqual([expect.stringMatching(/activities_org_contact_completed_idx$/)]);
      expect(scansOf('d')).toEqual([expect.stringMatching(/deals_org_won_closed_idx$/)]);
      expect(scansOf('ap')).toEqual([expect.stringMatching(/appointments_org_held_idx$/)]);
      // The leads: an index of the organization's leads (which one is the planner's choice on
      // this data: by creation time on Postgres, another organization-leading one on PGlite).
      expect(scansOf('l')).toEqual([expect.stringMatching(/Scan leads_org_\w+_idx$/)]);
    } finally {
      await t.db.admin.exec('ROLLBACK');
    }
  });
});
