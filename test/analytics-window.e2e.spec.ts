// Issue 18: the /v1/analytics window (src/analytics/analytics-db.ts), through GET
// /v1/analytics/contacts — local days in the organization's time zone, buckets across both DST
// changes of 2026 in New York, the previous period, custom ranges, default intervals, scope.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { ClsService } from 'nestjs-cls';
import { AnalyticsDb } from '../src/analytics/analytics-db.js';
import type { AnalyticsWindow } from '../src/analytics/analytics-window.js';
import type { AnalyticsQuery } from '../src/analytics/dto/analytics.query.js';
import { CLS_SCOPE } from '../src/database/tenant-context.js';
import { addMember, as, type User, twoOrganizations } from './helpers/fixtures.js';

type Body = Record<string, any>;

const NEW_YORK = 'America/New_York';

describe('the analytics window', () => {
  const { t, a } = twoOrganizations();
  let agent: User;

  /** A live contact created at `createdAt` (an instant), assigned to `assignee`. */
  const contactAt = (createdAt: string, assignee: User | null = null) =>
    t.db.admin.query(
      `INSERT INTO contacts (organization_id, name, created_at, assigned_to_id) VALUES ($1, 'C', $2, $3)`,
      [a.id, createdAt, assignee?.id ?? null],
    );

  beforeAll(async () => {
    agent = await addMember(t.http, a, 'AGENT');
    const res = await t.http
      .patch(`/v1/organizations/${a.id}`)
      .set(as(a.admin))
      .send({ timeZone: NEW_YORK })
      .expect(200);
    expect(res.body.timeZone).toBe(NEW_YORK);

    // Around 8 March 2026 (02:00 EST → 03:00 EDT: a 23-hour day).
    await contactAt('2026-03-07T04:59:00Z'); // Fri 6 Mar 23:59 EST: the previous period
    await contactAt('2026-03-08T04:30:00Z'); // Sat 7 Mar 23:30 EST (UTC says 8 Mar)
    await contactAt('2026-03-08T05:00:00Z'); // Sun 8 Mar 00:00 EST
    await contactAt('2026-03-09T03:30:00Z'); // Sun 8 Mar 23:30 EDT (UTC says 9 Mar)
    await contactAt('2026-03-09T04:00:00Z'); // Mon 9 Mar 00:00 EDT
    await contactAt('2026-03-10T04:00:00Z'); // Tue 10 Mar 00:00 EDT: after the period
    // Around 1 November 2026 (02:00 EDT → 01:00 EST: a 25-hour day).
    await contactAt('2026-10-26T03:59:00Z'); // Sun 25 Oct 23:59 EDT: the previous period
    await contactAt('2026-10-26T04:00:00Z'); // Mon 26 Oct 00:00 EDT: the first week's first instant
    await contactAt('2026-11-02T04:30:00Z'); // Sun 1 Nov 23:30 EST: still the first week
    await contactAt('2026-11-02T05:00:00Z'); // Mon 2 Nov 00:00 EST: the second week
    await contactAt('2026-11-09T04:59:00Z', agent); // Sun 8 Nov 23:59 EST: the second week, the AGENT's
  });

  const contacts = async (query: string, user: User = a.admin) =>
    (await t.http.get(`/v1/analytics/contacts${query}`).set(as(user, a.id)).expect(200)).body as Body;

  const refused = async (query: string, field: string) => {
    const res = await t.http.get(`/v1/analytics/contacts${query}`).set(as(a.admin, a.id)).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.map((d: Body) => d.field)).toContain(field);
  };

  it('counts a contact on its local day, and a day of 23 hours as one bucket (spring forward)', async () => {
    const body = await contacts('?from=2026-03-07&to=2026-03-09&interval=day');
    expect(body.window).toEqual({
      timeZone: NEW_YORK,
      period: 'custom',
      interval: 'day',
      from: '2026-03-07T05:00:00.000Z', // midnight EST
      to: '2026-03-10T04:00:00.000Z', // midnight EDT
      previousFrom: '2026-03-04T05:00:00.000Z',
      previousTo: '2026-03-07T05:00:00.000Z',
      agentId: null,
    });
    expect(body.series).toEqual([
      { bucket: '2026-03-07', created: 1 },
      { bucket: '2026-03-08', created: 2 },
      { bucket: '2026-03-09', created: 1 },
    ]);
    expect(body.created).toEqual({ value: 4, previous: 1, delta: 3 });
  });

  it('cuts weeks at local Monday midnight across the fall-back change (a week of 169 hours)', async () => {
    const body = await contacts('?from=2026-10-26&to=2026-11-08&interval=week');
    expect(body.window).toMatchObject({
      from: '2026-10-26T04:00:00.000Z', // midnight EDT
      to: '2026-11-09T05:00:00.000Z', // midnight EST
      previousFrom: '2026-10-12T04:00:00.000Z',
      previousTo: '2026-10-26T04:00:00.000Z',
    });
    expect(body.series).toEqual([
      { bucket: '2026-10-26', created: 2 },
      { bucket: '2026-11-02', created: 2 },
    ]);
    expect(body.created).toEqual({ value: 4, previous: 1, delta: 3 });
    // The day of 25 hours is one bucket: 1 Nov holds the contact of 23:30 EST.
    const days = await contacts('?from=2026-11-01&to=2026-11-02&interval=day');
    expect(days.window).toMatchObject({ from: '2026-11-01T04:00:00.000Z', to: '2026-11-03T05:00:00.000Z' });
    expect(days.series).toEqual([
      { bucket: '2026-11-01', created: 1 },
      { bucket: '2026-11-02', created: 1 },
    ]);
  });

  it('starts the first week on the Monday before the period, counting only what is inside it', async () => {
    // Wednesday 28 October to Tuesday 3 November.
    const body = await contacts('?from=2026-10-28&to=2026-11-03&interval=week');
    expect(body.series).toEqual([
      { bucket: '2026-10-26', created: 1 }, // 26 Oct 00:00 is before the period
      { bucket: '2026-11-02', created: 1 },
    ]);
  });

  it('answers buckets where nothing happened with zeros, and months as local months', async () => {
    const body = await contacts('?from=2026-07-01&to=2026-07-03&interval=day');
    expect(body.series).toEqual([
      { bucket: '2026-07-01', created: 0 },
      { bucket: '2026-07-02', created: 0 },
      { bucket: '2026-07-03', created: 0 },
    ]);
    expect(body.created).toEqual({ value: 0, previous: 0, delta: 0 });
    const months = await contacts('?from=2026-02-15&to=2026-04-10&interval=month');
    expect(months.series).toEqual([
      { bucket: '2026-02-01', created: 0 },
      { bucket: '2026-03-01', created: 6 },
      { bucket: '2026-04-01', created: 0 },
    ]);
  });

  it("compares month-to-date with the same days of the previous month, at that month's offsets", async () => {
    // By hand: today's local date in New York, and midnights of the days that bound both periods.
    const [{ y, m, d }] = await t.db.admin.query<{ y: number; m: number; d: number }>(
      `SELECT extract(year FROM l)::int AS y, extract(month FROM l)::int AS m, extract(day FROM l)::int AS d
         FROM timezone($1, now()) l`,
      [NEW_YORK],
    );
    const prev = m === 1 ? { y: y - 1, m: 12 } : { y, m: m - 1 };
    const daysInPrev = new Date(Date.UTC(prev.y, prev.m, 0)).getUTCDate();
    // The previous period runs to the end of the same day of the month, or of the month when it has fewer days.
    const prevLast = Math.min(d, daysInPrev);
    const [expected] = await t.db.admin.query<Record<string, Date>>(
      `SELECT make_timestamptz($1, $2, 1, 0, 0, 0, $7) AS "from",
              make_timestamptz($1, $2, $3, 0, 0, 0, $7) + interval '1 day' AS "to",
              make_timestamptz($4, $5, 1, 0, 0, 0, $7) AS "previousFrom",
              make_timestamptz($4, $5, $6, 0, 0, 0, $7) + interval '1 day' AS "previousTo"`,
      [y, m, d, prev.y, prev.m, prevLast, NEW_YORK],
    );
    const body = await contacts('?period=mtd');
    expect(body.window).toMatchObject({
      period: 'mtd',
      interval: 'day',
      from: expected.from.toISOString(),
      to: expected.to.toISOString(),
      previousFrom: expected.previousFrom.toISOString(),
      previousTo: expected.previousTo.toISOString(),
    });
    expect(body.series).toHaveLength(d);
  });

  /** The window AnalyticsDb resolves for the ADMIN of A at `now` (HTTP cannot move the clock). */
  const windowAt = (query: AnalyticsQuery, now: string): Promise<AnalyticsWindow> => {
    const cls = t.app.get(ClsService);
    return cls.run(() => {
      cls.set(CLS_SCOPE, { userId: a.admin.id, requestedOrgId: a.id });
      return t.app.get(AnalyticsDb).run(query, (scope) => Promise.resolve(scope.window), new Date(now));
    });
  };

  it("ends the previous period with the same day of the month, or the month's last when it has fewer days", async () => {
    // Monday 30 March 2026, noon in New York: 1–30 March (EST, then EDT) beside all of February.
    expect(await windowAt({ period: 'mtd' }, '2026-03-30T16:00:00Z')).toMatchObject({
      from: new Date('2026-03-01T05:00:00Z'),
      to: new Date('2026-03-31T04:00:00Z'),
      previousFrom: new Date('2026-02-01T05:00:00Z'),
      previousTo: new Date('2026-03-01T05:00:00Z'),
      buckets: expect.arrayContaining(['2026-03-01', '2026-03-30']),
    });
    // 31 May: April–May beside January–February (28 days), not January to 28 February.
    expect(await windowAt({ period: 'qtd' }, '2026-05-31T16:00:00Z')).toMatchObject({
      from: new Date('2026-04-01T04:00:00Z'),
      to: new Date('2026-06-01T04:00:00Z'),
      previousFrom: new Date('2026-01-01T05:00:00Z'),
      previousTo: new Date('2026-03-01T05:00:00Z'),
    });
    // 6 December: 1–6 December beside 1–6 November, whose midnight of the 1st is still EDT.
    expect(await windowAt({ period: 'mtd' }, '2026-12-06T16:00:00Z')).toMatchObject({
      previousFrom: new Date('2026-11-01T04:00:00Z'),
      previousTo: new Date('2026-11-07T05:00:00Z'),
    });
  });

  it('defaults the interval per period', async () => {
    const defaults: Record<string, string> = {
      '7d': 'day',
      '30d': 'day',
      mtd: 'day',
      '90d': 'week',
      qtd: 'week',
      '1y': 'month',
      ytd: 'month',
    };
    for (const [period, interval] of Object.entries(defaults)) {
      expect((await contacts(`?period=${period}`)).window).toMatchObject({ period, interval });
    }
    expect((await contacts('')).window).toMatchObject({ period: '30d', interval: 'day' });
    expect((await contacts('?period=7d')).series).toHaveLength(7);
    expect((await contacts('?period=30d')).series).toHaveLength(30);
    expect((await contacts('?from=2026-10-26&to=2026-11-08')).window).toMatchObject({
      period: 'custom',
      interval: 'week',
    });
    // An explicit interval wins; from/to win over period.
    expect((await contacts('?period=7d&interval=month')).window.interval).toBe('month');
    expect((await contacts('?period=7d&from=2026-07-01&to=2026-07-03')).window.period).toBe('custom');
  });

  it('refuses a custom range that is half given, reversed, too long or not a date (400 VALIDATION_FAILED)', async () => {
    await refused('?from=2026-07-01', 'to');
    await refused('?to=2026-07-01', 'from');
    await refused('?from=2026-07-02&to=2026-07-01', 'to');
    await refused('?from=2024-01-01&to=2027-01-01', 'to'); // 1,097 days
    await refused('?from=2026-02-30&to=2026-03-01', 'from');
    await refused('?from=yesterday&to=2026-03-01', 'from');
    // The allowed controls: one day, and exactly 1,096 days.
    await contacts('?from=2026-07-01&to=2026-07-01');
    expect((await contacts('?from=2024-01-01&to=2026-12-31&interval=month')).series).toHaveLength(36);
  });

  it("refuses an AGENT another member's agentId (403 FORBIDDEN), answers their own", async () => {
    const res = await t.http.get(`/v1/analytics/contacts?agentId=${a.admin.id}`).set(as(agent, a.id)).expect(403);
    expect(res.body.code).toBe('FORBIDDEN');
    const own = await contacts(`?from=2026-10-26&to=2026-11-08&agentId=${agent.id}`, agent);
    expect(own.window.agentId).toBe(agent.id);
    expect(own.created.value).toBe(1);
    expect((await contacts('?from=2026-10-26&to=2026-11-08', agent)).created.value).toBe(1);
  });
});
