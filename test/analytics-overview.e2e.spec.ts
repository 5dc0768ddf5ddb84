// Issue 18, item 1: GET /v1/analytics/overview — every figure against rows whose answers were
// computed by hand (docs/analytics.md, "Overview"), in an organization on New York time whose
// custom period (2–15 March 2026, weeks) holds the daylight-saving change of 8 March 2026.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { addMember, as, type User, twoOrganizations } from './helpers/fixtures.js';
import { countStatements } from './helpers/statements.js';

type Body = Record<string, any>;

// from = local midnight of 2 March (EST, UTC−5), to = local midnight after 15 March (EDT, UTC−4);
// the previous period is the 14 days before: 16 February – 1 March.
const PERIOD = 'from=2026-03-02&to=2026-03-15&interval=week';

describe('GET /v1/analytics/overview', () => {
  const { t, a, b } = twoOrganizations();
  let agent: User; // agent1: the records assigned to them below
  let idle: User; // an AGENT with no records at all
  let manager: User;
  let viewer: User;

  const overview = async (user: User, query = PERIOD, orgId = a.id): Promise<Body> =>
    (await t.http.get(`/v1/analytics/overview?${query}`).set(as(user, orgId)).expect(200)).body;

  beforeAll(async () => {
    agent = await addMember(t.http, a, 'AGENT');
    idle = await addMember(t.http, a, 'AGENT');
    manager = await addMember(t.http, a, 'MANAGER');
    viewer = await addMember(t.http, a, 'VIEWER');
    const sql = t.db.admin;
    const [org, ad, ag] = [a.id, a.admin.id, agent.id];
    await sql.query(`UPDATE organizations SET time_zone = 'America/New_York' WHERE id = $1`, [org]);

    // Leads: [status, assignee, creator, created_at, first response (seconds after creation), deleted].
    const leads: [string, string, string, string, number | null, boolean][] = [
      ['NEW_LEAD', ag, ad, '2026-03-03T15:00:00Z', null, false], // L1 week 1, waiting
      ['IN_CONTACT', ag, ad, '2026-03-04T15:00:00Z', 120, false], // L2 week 1
      ['QUALIFIED', ad, ad, '2026-03-09T03:30:00Z', 600, false], // L3 Sunday 8 March 23:30 EDT: week 1
      ['CONVERTED', ag, ad, '2026-03-09T04:30:00Z', 60, false], // L4 Monday 9 March 00:30 EDT: week 2
      ['LOST', ad, ad, '2026-03-10T12:00:00Z', null, false], // L5 left NEW_LEAD with no recorded moment
      ['IN_CONTACT', ad, ad, '2026-03-16T03:59:00Z', -30, false], // L6 15 March 23:59 EDT; answered "before": 0 s
      ['NEW_LEAD', ad, ag, '2026-03-11T12:00:00Z', null, false], // L9 the agent created it, the admin holds it
      ['CONVERTED', ag, ad, '2026-03-05T12:00:00Z', 10, true], // deleted
      ['CONVERTED', ag, ad, '2026-03-16T04:00:00Z', 10, false], // 16 March local: after the period
      ['CONVERTED', ag, ad, '2026-03-02T04:30:00Z', 900, false], // P1 1 March 23:30 EST: previous period
      ['NEW_LEAD', ad, ad, '2026-02-20T12:00:00Z', null, false], // P2 previous, waiting
      ['QUALIFIED', ad, ad, '2026-02-16T04:59:00Z', 5, false], // 15 February local: before both
    ];
    for (const [status, assignee, creator, created, response, deleted] of leads) {
      await sql.query(
        `INSERT INTO leads (organization_id, name, status, assigned_to_id, created_by_id, created_at, first_response_at, deleted_at)
         VALUES ($1, 'Fixture', $2, $3, $4, $5::timestamptz, $5::timestamptz + make_interval(secs => $6), CASE WHEN $7 THEN now() END)`,
        [org, status, assignee, creator, created, response, deleted],
      );
    }
    // Org B's lead in A's period: never in A's figures.
    await sql.query(
      `INSERT INTO leads (organization_id, name, status, created_at) VALUES ($1, 'B', 'CONVERTED', '2026-03-04T12:00:00Z')`,
      [b.id],
    );

    // Deals: [stage, status, value, probability, close date, created_at, assignee, deleted].
    const deals: [string, string, string, number, string | null, string, string, boolean][] = [
      ['LEAD', 'ACTIVE', '100000.00', 10, null, '2026-01-10T12:00:00Z', ag, false], // D1
      ['PROPOSAL', 'ACTIVE', '200000.00', 50, null, '2026-01-10T12:00:00Z', ad, false], // D2
      ['PROPOSAL', 'ACTIVE', '300000.00', 40, null, '2026-01-10T12:00:00Z', ag, false], // D3
      ['NEGOTIATION', 'ABANDONED', '999.00', 70, null, '2026-01-10T12:00:00Z', ad, false], // not open
      ['CLOSED_WON', 'WON', '400000.00', 100, '2026-03-10', '2026-03-01T12:00:00Z', ag, false], // D5: 9 days
      ['CLOSED_WON', 'WON', '250000.50', 100, '2026-03-15', '2026-02-13T12:00:00Z', ad, false], // D6: 30 days
      ['CLOSED_WON', 'WON', '150000.00', 100, '2026-03-01', '2026-02-25T12:00:00Z', ag, false], // D7 previous: 4 days
      ['CLOSED_WON', 'WON', '77.00', 100, '2026-03-16', '2026-03-01T12:00:00Z', ag, false], // after the period
      ['CLOSING', 'ACTIVE', '5000.00', 90, null, '2026-01-10T12:00:00Z', ag, true], // deleted
      ['CLOSED_WON', 'WON', '88.00', 100, '2026-03-04', '2026-03-01T12:00:00Z', ag, true], // deleted
    ];
    for (const [stage, status, value, probability, closed, created, assignee, deleted] of deals) {
      await sql.query(
        `INSERT INTO deals (organization_id, title, stage, status, value, probability, actual_close_date, created_at,
                            assigned_to_id, created_by_id, deleted_at)
         VALUES ($1, 'Fixture', $2, $3, $4, $5, $6::date, $7, $8, $9, CASE WHEN $10 THEN now() END)`,
        [org, stage, status, value, probability, closed, created, assignee, ad, deleted],
      );
    }
    await sql.query(
      `INSERT INTO deals (organization_id, title, stage, status, value, probability, lost_reason, actual_close_date)
       VALUES ($1, 'Lost', 'CLOSED_LOST', 'LOST', 1.00, 0, 'Price', '2026-03-05')`,
      [org],
    );

    // Listings: [key, status, listing date (or days before local today), created_at, assignee, deleted].
    const listings: [string, string, string | number | null, string, string, boolean][] = [
      ['LI1', 'ACTIVE', 10, '2026-01-10T12:00:00Z', ag, false],
      ['LI2', 'PENDING', 20, '2026-01-10T12:00:00Z', ad, false],
      ['LI3', 'CONTINGENT', 40, '2026-01-10T12:00:00Z', ag, false],
      ['LI4', 'SOLD', '2026-03-05', '2026-01-10T12:00:00Z', ad, false], // listed in the period
      ['LI5', 'WITHDRAWN', null, '2026-03-09T03:30:00Z', ag, false], // no date: created 8 March local
      ['LI6', 'EXPIRED', '2026-02-20', '2026-01-10T12:00:00Z', ad, false], // listed in the previous period
      ['LI7', 'ACTIVE', '2026-03-05', '2026-01-10T12:00:00Z', ag, true], // deleted
    ];
    const listingId: Record<string, string> = {};
    for (const [key, status, listed, created, assignee, deleted] of listings) {
      const [row] = await sql.query<{ id: string }>(
        `INSERT INTO listings (organization_id, title, address, city, state, zip_code, price, status, listing_date,
                               created_at, assigned_to_id, deleted_at)
         VALUES ($1, 'Fixture', '1 Main St', 'Boston', 'MA', '02108', 1000000, $2,
                 CASE WHEN $3::text ~ '^[0-9]+$' THEN timezone('America/New_York', now())::date - $3::int ELSE $3::date END,
                 $4, $5, CASE WHEN $6 THEN now() END)
         RETURNING id`,
        [org, status, listed === null ? null : String(listed), created, assignee, deleted],
      );
      listingId[key] = row.id;
    }
    const priceChanges: [string, string][] = [
      ['LI1', '2026-03-10T12:00:00Z'], // current
      ['LI2', '2026-03-03T12:00:00Z'], // current
      ['LI2', '2026-02-20T12:00:00Z'], // previous
      ['LI7', '2026-03-10T12:00:00Z'], // a deleted listing's
    ];
    for (const [key, at] of priceChanges) {
      await sql.query(
        `INSERT INTO listing_price_history (organization_id, listing_id, old_price, new_price, changed_at)
         VALUES ($1, $2, 1000000, 950000, $3)`,
        [org, listingId[key], at],
      );
    }

    // Appointments: [status, starts_at, agent].
    const appointments: [string, string, string][] = [
      ['COMPLETED', '2026-03-05T15:00:00Z', ag],
      ['COMPLETED', '2026-03-12T15:00:00Z', ad],
      ['NO_SHOW', '2026-03-12T18:00:00Z', ag],
      ['COMPLETED', '2026-02-25T15:00:00Z', ag], // previous
      ['SCHEDULED', '2026-03-06T15:00:00Z', ag], // neither held nor a no-show
      ['COMPLETED', '2026-03-16T05:00:00Z', ad], // after the period
    ];
    for (const [status, starts, who] of appointments) {
      await sql.query(
        `INSERT INTO appointments (organization_id, title, status, starts_at, ends_at, agent_id)
         VALUES ($1, 'Fixture', $2, $3::timestamptz, $3::timestamptz + interval '1 hour', $4)`,
        [org, status, starts, who],
      );
    }

    // Tickets: [status, created_at, resolved_at, due, assignee].
    const tickets: [string, string, string | null, string | null, string][] = [
      ['RESOLVED', '2026-03-03T12:00:00Z', '2026-03-03T14:00:00Z', null, ag], // 7,200 s
      ['CLOSED', '2026-02-25T12:00:00Z', '2026-03-04T12:00:00Z', null, ag], // 604,800 s; opened in the previous period
      ['OPEN', '2026-03-10T12:00:00Z', null, '2026-03-11T12:00:00Z', ad], // overdue now
      ['OPEN', '2026-02-20T12:00:00Z', null, '2099-01-01T00:00:00Z', ad], // previous, not due
    ];
    for (const [status, created, resolved, due, who] of tickets) {
      const [row] = await sql.query<{ id: string }>(
        `INSERT INTO tickets (organization_id, title, status, created_at, resolved_at, closed_at, due_at, created_by_id)
         VALUES ($1, 'Fixture', $2, $3, $4, $4, $5, $6) RETURNING id`,
        [org, status, created, resolved, due, ad],
      );
      await sql.query(`INSERT INTO ticket_assignees (organization_id, ticket_id, user_id) VALUES ($1, $2, $3)`, [
        org,
        row.id,
        who,
      ]);
    }
  });

  const count = (value: number, previous: number) => ({ value, previous, delta: value - previous });

  it('gives an ADMIN the whole organization, every figure as computed by hand', async () => {
    const body = await overview(a.admin);
    expect(body.window).toEqual({
      timeZone: 'America/New_York',
      period: 'custom',
      interval: 'week',
      from: '2026-03-02T05:00:00.000Z',
      to: '2026-03-16T04:00:00.000Z',
      previousFrom: '2026-02-16T05:00:00.000Z',
      previousTo: '2026-03-02T05:00:00.000Z',
      agentId: null,
    });
    expect(body.leads).toEqual({
      totals: {
        created: count(7, 2),
        contacted: count(5, 1),
        qualified: count(2, 1),
        converted: count(1, 1),
        lost: count(1, 0),
        conversionRate: { value: 0.1429, previous: 0.5, delta: -0.3571 },
      },
      buckets: [
        // L3 at 23:30 on Sunday 8 March (the DST day) is week 1; L4 at 00:30 on Monday, week 2.
        { bucket: '2026-03-02', created: 3, contacted: 2, qualified: 1, converted: 0, lost: 0 },
        { bucket: '2026-03-09', created: 4, contacted: 3, qualified: 1, converted: 1, lost: 1 },
      ],
    });
    // Answered: 0 (L6), 60, 120, 600 s; waited: those 4 and L1, L9 (NEW_LEAD, unanswered).
    expect(body.speedToLead).toEqual({
      answered: count(4, 1),
      medianSeconds: { value: 90, previous: 900, delta: -810 },
      p90Seconds: { value: 456, previous: 900, delta: -444 },
      withinFiveMinutes: { value: 0.5, previous: 0, delta: 0.5 },
    });
    expect(body.pipeline).toEqual({
      openDeals: 3,
      value: '600000.00',
      weightedValue: '230000.00',
      byStage: [
        { stage: 'LEAD', deals: 1, value: '100000.00', weightedValue: '10000.00' },
        { stage: 'QUALIFIED', deals: 0, value: '0.00', weightedValue: '0.00' },
        { stage: 'PROPOSAL', deals: 2, value: '500000.00', weightedValue: '220000.00' },
        { stage: 'NEGOTIATION', deals: 0, value: '0.00', weightedValue: '0.00' },
        { stage: 'CLOSING', deals: 0, value: '0.00', weightedValue: '0.00' },
      ],
    });
    expect(body.dealsWon).toEqual({
      count: count(2, 1),
      value: { value: '650000.50', previous: '150000.00', delta: '500000.50' },
      averageDaysToClose: { value: 19.5, previous: 4, delta: 15.5 },
    });
    expect(body.listings).toEqual({
      byStatus: [
        { status: 'ACTIVE', listings: 1 },
        { status: 'PENDING', listings: 1 },
        { status: 'SOLD', listings: 1 },
        { status: 'EXPIRED', listings: 1 },
        { status: 'WITHDRAWN', listings: 1 },
        { status: 'CONTINGENT', listings: 1 },
      ],
      newListings: count(2, 1),
      medianDaysOnMarket: 20,
      priceChanges: count(2, 1),
    });
    expect(body.appointments).toEqual({ held: count(2, 1), noShows: count(1, 0) });
    expect(body.tickets).toEqual({
      opened: count(2, 2),
      resolved: count(2, 0),
      medianResolutionSeconds: { value: 306000, previous: null, delta: null },
      openOverdue: 1,
    });
  });

  const agentFigures = (body: Body) => {
    expect(body.leads).toEqual({
      totals: {
        created: count(3, 1),
        contacted: count(2, 1),
        qualified: count(1, 1),
        converted: count(1, 1),
        lost: count(0, 0),
        conversionRate: { value: 0.3333, previous: 1, delta: -0.6667 },
      },
      buckets: [
        { bucket: '2026-03-02', created: 2, contacted: 1, qualified: 0, converted: 0, lost: 0 },
        { bucket: '2026-03-09', created: 1, contacted: 1, qualified: 1, converted: 1, lost: 0 },
      ],
    });
    expect(body.speedToLead).toEqual({
      answered: count(2, 1),
      medianSeconds: { value: 90, previous: 900, delta: -810 },
      p90Seconds: { value: 114, previous: 900, delta: -786 },
      withinFiveMinutes: { value: 0.6667, previous: 0, delta: 0.6667 },
    });
    expect(body.pipeline).toMatchObject({ openDeals: 2, value: '400000.00', weightedValue: '130000.00' });
    expect(body.dealsWon).toEqual({
      count: count(1, 1),
      value: { value: '400000.00', previous: '150000.00', delta: '250000.00' },
      averageDaysToClose: { value: 9, previous: 4, delta: 5 },
    });
    expect(body.listings).toEqual({
      byStatus: [
        { status: 'ACTIVE', listings: 1 },
        { status: 'PENDING', listings: 0 },
        { status: 'SOLD', listings: 0 },
        { status: 'EXPIRED', listings: 0 },
        { status: 'WITHDRAWN', listings: 1 },
        { status: 'CONTINGENT', listings: 1 },
      ],
      newListings: count(1, 0),
      medianDaysOnMarket: 25,
      priceChanges: count(1, 0),
    });
    expect(body.appointments).toEqual({ held: count(1, 1), noShows: count(1, 0) });
    expect(body.tickets).toEqual({
      opened: count(1, 1),
      resolved: count(2, 0),
      medianResolutionSeconds: { value: 306000, previous: null, delta: null },
      openOverdue: 0,
    });
  };

  it('gives an AGENT the records assigned to them (not a lead they only created), and a MANAGER the same with agentId', async () => {
    const own = await overview(agent);
    expect(own.window.agentId).toBe(agent.id);
    agentFigures(own);
    const mine = await overview(agent, `${PERIOD}&agentId=${agent.id}`);
    expect(mine).toEqual(own);
    const managed = await overview(manager, `${PERIOD}&agentId=${agent.id}`);
    expect(managed.window.agentId).toBe(agent.id);
    agentFigures(managed);
  });

  it("gives a VIEWER and a MANAGER the organization's figures, as the ADMIN", async () => {
    const admin = await overview(a.admin);
    expect(await overview(viewer)).toEqual(admin);
    expect(await overview(manager)).toEqual(admin);
  });

  it("refuses an AGENT another member's figures (403), beside their own (200)", async () => {
    const res = await t.http
      .get(`/v1/analytics/overview?${PERIOD}&agentId=${a.admin.id}`)
      .set(as(agent, a.id))
      .expect(403);
    expect(res.body.code).toBe('FORBIDDEN');
    await t.http.get(`/v1/analytics/overview?${PERIOD}&agentId=${agent.id}`).set(as(agent, a.id)).expect(200);
  });

  it('answers zeros and nulls for an AGENT with no records', async () => {
    const body = await overview(idle);
    expect(body.leads.totals.created).toEqual(count(0, 0));
    expect(body.leads.totals.conversionRate).toEqual({ value: null, previous: null, delta: null });
    expect(body.leads.buckets).toEqual([
      { bucket: '2026-03-02', created: 0, contacted: 0, qualified: 0, converted: 0, lost: 0 },
      { bucket: '2026-03-09', created: 0, contacted: 0, qualified: 0, converted: 0, lost: 0 },
    ]);
    expect(body.speedToLead).toEqual({
      answered: count(0, 0),
      medianSeconds: { value: null, previous: null, delta: null },
      p90Seconds: { value: null, previous: null, delta: null },
      withinFiveMinutes: { value: null, previous: null, delta: null },
    });
    expect(body.pipeline).toMatchObject({ openDeals: 0, value: '0.00', weightedValue: '0.00' });
    expect(body.dealsWon.value).toEqual({ value: '0.00', previous: '0.00', delta: '0.00' });
    expect(body.dealsWon.averageDaysToClose).toEqual({ value: null, previous: null, delta: null });
    expect(body.listings.medianDaysOnMarket).toBeNull();
    expect(body.listings.byStatus.every((s: Body) => s.listings === 0)).toBe(true);
    expect(body.appointments).toEqual({ held: count(0, 0), noShows: count(0, 0) });
    expect(body.tickets).toMatchObject({ opened: count(0, 0), resolved: count(0, 0), openOverdue: 0 });
  });

  it('answers an empty period with a zero in every bucket; snapshots stay', async () => {
    const body = await overview(a.admin, 'from=2020-01-01&to=2020-01-03&interval=day');
    expect(body.leads.buckets.map((x: Body) => [x.bucket, x.created])).toEqual([
      ['2020-01-01', 0],
      ['2020-01-02', 0],
      ['2020-01-03', 0],
    ]);
    expect(body.leads.totals.created).toEqual(count(0, 0));
    expect(body.dealsWon.count).toEqual(count(0, 0));
    expect(body.tickets.medianResolutionSeconds.value).toBeNull();
    // Now-figures do not depend on the period.
    expect(body.pipeline.openDeals).toBe(3);
    expect(body.listings.medianDaysOnMarket).toBe(20);
    expect(body.tickets.openOverdue).toBe(1);
  });

  it('answers a named period with its default interval', async () => {
    const body = await overview(a.admin, 'period=90d');
    expect(body.window).toMatchObject({ period: '90d', interval: 'week' });
    expect(body.leads.buckets.length).toBeGreaterThanOrEqual(13);
    expect(body.leads.buckets.length).toBeLessThanOrEqual(14);
  });

  it("never counts another organization's rows, and refuses a non-member (403) beside the member (200)", async () => {
    const theirs = await overview(b.admin, PERIOD, b.id);
    expect(theirs.leads.totals.created).toEqual(count(1, 0));
    expect(theirs.pipeline.openDeals).toBe(0);
    expect(theirs.listings.byStatus.every((s: Body) => s.listings === 0)).toBe(true);
    // A's member asked for by B's admin: nothing of A's.
    const named = await overview(b.admin, `${PERIOD}&agentId=${agent.id}`, b.id);
    expect(named.leads.totals.created).toEqual(count(0, 0));
    expect(named.dealsWon.count).toEqual(count(0, 0));
    await t.http.get(`/v1/analytics/overview?${PERIOD}`).set(as(b.admin, a.id)).expect(403);
    await t.http.get(`/v1/analytics/overview?${PERIOD}`).set(as(a.admin, a.id)).expect(200);
    await t.http.get(`/v1/analytics/overview?${PERIOD}`).expect(401);
  });

  it('rejects bad input with 400 VALIDATION_FAILED', async () => {
    for (const query of [
      'period=2w',
      'interval=hour',
      'agentId=nope',
      'from=2026-03-02',
      'from=2026-03-10&to=2026-03-02',
      'from=2020-01-01&to=2026-01-01',
      'unknown=1',
    ]) {
      const res = await t.http.get(`/v1/analytics/overview?${query}`).set(as(a.admin, a.id));
      expect([query, res.status, res.body.code]).toEqual([query, 400, 'VALIDATION_FAILED']);
    }
  });

  it('answers in three statements: the tenant, the window and the figures', async () => {
    const counter = countStatements(t.app);
    try {
      const sent = (user: User, query: string) =>
        counter.count(() => t.http.get(`/v1/analytics/overview?${query}`).set(as(user, a.id)).expect(200));
      expect(await sent(a.admin, PERIOD)).toBe(3);
      expect(await sent(agent, 'period=1y&interval=day')).toBe(3);
    } finally {
      counter.restore();
    }
  });
});
