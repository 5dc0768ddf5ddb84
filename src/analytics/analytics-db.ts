import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { calendarDate } from '../common/dates.js';
import { Forbidden, ValidationFailed } from '../common/errors.js';
import { MissingTenantContextError, TenantDb } from '../database/tenant-db.js';
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
    const custom = customRange(query);
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
  private async resolve(query: AnalyticsQuery, custom: CustomRange | undefined, now: Date): Promise<AnalyticsWindow> {
    const named: Period = query.period ?? '30d';
    const period: Period | 'custom' = custom ? 'custom' : named;
    const interval: Interval = query.interval ?? DEFAULT_INTERVAL[period];
    const start = custom ? sql`${calendarDate(custom.from)}::timestamp` : sql.raw(PERIOD_START[named]);
    const end = custom
      ? sql`${calendarDate(custom.to)}::timestamp + interval '1 day'`
      : sql`date_trunc('day', local_now) + interval '1 day'`;
    const shift = custom ? sql`(to_local - from_local)` : sql`${PERIOD_SHIFT[named]}::interval`;
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
             -- The previous period's last day, shifted: to_local itself, shifted by a month, would
             -- clamp (31 March − 1 month = 28 February drops the 28th from the previous period).
             timezone(tz, to_local - interval '1 day' - ${shift} + interval '1 day') AS "previousTo",
             ARRAY(SELECT to_char(b, 'YYYY-MM-DD')
                     FROM generate_series(date_trunc(${interval}, from_local), to_local - interval '1 microsecond',
                                          ${`1 ${interval}`}::interval) b) AS buckets
        FROM r`.execute(this.db.sql);
    const [row] = rows;
    if (!row) throw new MissingTenantContextError('The organization of this unit of work is gone');
    return { ...row, period, interval };
  }
}

interface CustomRange {
  from: Date;
  to: Date;
}

/** The custom period from/to name, after checking they come together, in order, and not too far apart. */
function customRange({ from, to }: AnalyticsQuery): CustomRange | undefined {
  if (!from && !to) return undefined;
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
  return { from, to };
}
