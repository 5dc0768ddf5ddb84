import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { calendarDate } from '../common/dates.js';
import { Forbidden, ValidationFailed } from '../common/errors.js';
import { TenantDb } from '../database/tenant-db.js';
import {
  type AnalyticsScope,
  type AnalyticsWindow,
  DEFAULT_INTERVAL,
  type Interval,
  MAX_CUSTOM_DAYS,
  type Period,
} from './analytics-window.js';
import type { AnalyticsQuery } from './dto/analytics.query.js';

const DAY_MS = 86_400_000;

/** The first local day and the day after the last of each named period, relative to local today. */
const PERIOD_START: Record<Period, string> = {
  '7d': "date_trunc('day', local_now) - interval '6 days'",
  '30d': "date_trunc('day', local_now) - interval '29 days'",
  '90d': "date_trunc('day', local_now) - interval '89 days'",
  '1y': "date_trunc('day', local_now) - interval '1 year' + interval '1 day'",
  mtd: "date_trunc('month', local_now)",
  qtd: "date_trunc('quarter', local_now)",
  ytd: "date_trunc('year', local_now)",
};

/** How far back the previous period starts: the same calendar length (a month for mtd: Dec 1–6 beside Nov 1–6). */
const PERIOD_SHIFT: Record<Period, string> = {
  '7d': '7 days',
  '30d': '30 days',
  '90d': '90 days',
  '1y': '1 year',
  mtd: '1 month',
  qtd: '3 months',
  ytd: '1 year',
};

interface WindowRow {
  timeZone: string;
  from: Date;
  to: Date;
  previousFrom: Date;
  previousTo: Date;
  buckets: string[];
}

/**
 * How an analytics route reads: one read-only snapshot transaction (every figure of a
 * response sees the same state) under the caller's RLS, with JIT compilation off (Postgres
 * estimates RLS-filtered aggregates as expensive and would spend more time compiling than
 * running them; see migration 20261206091000), and the window resolved by the database in the
 * organization's time zone (DST and month lengths are Postgres's to get right).
 */
@Injectable()
export class AnalyticsDb {
  constructor(private readonly db: TenantDb) {}

  /** The TenantDb the figures are read through, inside `run`. */
  get tenant(): TenantDb {
    return this.db;
  }

  run<T>(query: AnalyticsQuery, fn: (scope: AnalyticsScope) => Promise<T>, now = new Date()): Promise<T> {
    const custom = checkCustomRange(query);
    return this.db.run(
      async () => {
        const role = this.db.role;
        const agentId = this.agentOf(query.agentId);
        const window = await this.resolve(query, custom, now);
        return fn({ window, agentId, role });
      },
      { mode: 'snapshot' },
    );
  }

  /** An AGENT's own id (another member's is 403); the requested member, or null, for the others. */
  private agentOf(requested: string | undefined): string | null {
    if (this.db.role !== 'AGENT') return requested ?? null;
    if (requested && requested !== this.db.userId) {
      throw new Forbidden('An AGENT sees only their own figures: leave agentId out or give your own id');
    }
    return this.db.userId;
  }

  /** One statement: JIT off for the transaction, and the window in the organization's time zone. */
  private async resolve(query: AnalyticsQuery, custom: boolean, now: Date): Promise<AnalyticsWindow> {
    const period: Period | 'custom' = custom ? 'custom' : (query.period ?? '30d');
    const interval: Interval = query.interval ?? DEFAULT_INTERVAL[period];
    const start = period === 'custom' ? sql`${calendarDate(query.from!)}::timestamp` : sql.raw(PERIOD_START[period]);
    const end =
      period === 'custom'
        ? sql`${calendarDate(query.to!)}::timestamp + interval '1 day'`
        : sql`date_trunc('day', local_now) + interval '1 day'`;
    const shift = period === 'custom' ? sql`(to_local - from_local)` : sql`${PERIOD_SHIFT[period]}::interval`;
    const { rows } = await sql<WindowRow>`
      WITH tz AS (
        SELECT o.time_zone AS tz, timezone(o.time_zone, ${now}::timestamptz) AS local_now, set_config('jit', 'off', true)
          FROM organizations o WHERE o.id = ${this.db.orgId}
      ), r AS (
        SELECT tz, ${start} AS from_local, ${end} AS to_local FROM tz
      )
      SELECT tz AS "timeZone",
             timezone(tz, from_local) AS "from",
             timezone(tz, to_local) AS "to",
             timezone(tz, from_local - ${shift}) AS "previousFrom",
             timezone(tz, to_local - ${shift}) AS "previousTo",
             ARRAY(SELECT to_char(b, 'YYYY-MM-DD')
                     FROM generate_series(date_trunc(${interval}, from_local), to_local - interval '1 microsecond',
                                          ${`1 ${interval}`}::interval) b) AS buckets
        FROM r`.execute(this.db.sql);
    const row = rows[0]!;
    return { ...row, period, interval };
  }
}

/** Whether from/to name a custom period, after checking they come together, in order, and not too far apart. */
function checkCustomRange({ from, to }: AnalyticsQuery): boolean {
  if (!from && !to) return false;
  if (!from || !to) {
    throw new ValidationFailed([{ field: from ? 'to' : 'from', message: 'from and to go together' }]);
  }
  const days = (to.getTime() - from.getTime()) / DAY_MS + 1;
  if (days < 1) throw new ValidationFailed([{ field: 'to', message: 'must be on or after from' }]);
  if (days > MAX_CUSTOM_DAYS) {
    throw new ValidationFailed([
      { field: 'to', message: `must be at most ${MAX_CUSTOM_DAYS} days from from, included` },
    ]);
  }
  return true;
}
