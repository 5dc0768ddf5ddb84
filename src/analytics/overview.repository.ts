import { Injectable } from '@nestjs/common';
import { type RawBuilder, sql } from 'kysely';
import { TenantDb } from '../database/tenant-db.js';
import type { DealStage, ListingStatus } from '../generated/prisma/enums.js';
import { rateOf } from './analytics-sql.js';
import type { AnalyticsScope } from './analytics-window.js';

/** A lead-cohort row: one bucket of the current period, or (total) the whole of both periods. */
export interface LeadCohortRow {
  bucket: string | null;
  total: boolean;
  created: number;
  contacted: number;
  qualified: number;
  converted: number;
  lost: number;
  conversionRate: number | null;
  answered: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
  withinFiveMinutes: number | null;
  prevCreated: number;
  prevContacted: number;
  prevQualified: number;
  prevConverted: number;
  prevLost: number;
  prevConversionRate: number | null;
  prevAnswered: number;
  prevMedianSeconds: number | null;
  prevP90Seconds: number | null;
  prevWithinFiveMinutes: number | null;
}

/** A deals row: one open stage, or (total) every open deal and the deals won in both periods. */
export interface DealRow {
  stage: DealStage | null;
  total: boolean;
  openDeals: number;
  openValue: string;
  weightedValue: string;
  won: number;
  wonValue: string;
  avgDaysToClose: number | null;
  prevWon: number;
  prevWonValue: string;
  prevAvgDaysToClose: number | null;
}

/** A listings row: one status, or (total) every live listing, with the period figures. */
export interface ListingRow {
  status: ListingStatus | null;
  total: boolean;
  listings: number;
  newListings: number;
  prevNewListings: number;
  medianDaysOnMarket: number | null;
  priceChanges: number;
  prevPriceChanges: number;
}

export interface AppointmentTicketRow {
  held: number;
  prevHeld: number;
  noShows: number;
  prevNoShows: number;
  opened: number;
  prevOpened: number;
  resolved: number;
  prevResolved: number;
  medianResolutionSeconds: number | null;
  prevMedianResolutionSeconds: number | null;
  openOverdue: number;
}

const int = (condition: RawBuilder<unknown>) => sql<number>`(count(*) FILTER (WHERE ${condition}))::int`;
const money = (sum: RawBuilder<unknown>) => sql<string>`round(coalesce(${sum}, 0), 2)::text`;
/** Whole seconds at a percentile of `seconds` over the rows matching `condition`; null when none does. */
const secondsAt = (fraction: number, seconds: RawBuilder<unknown>, condition: RawBuilder<unknown>) =>
  sql<
    number | null
  >`round(percentile_cont(${fraction}::float8) WITHIN GROUP (ORDER BY ${seconds}) FILTER (WHERE ${condition}))::float8`;

/** The overview's rows, each part as JSON from one subquery of the same statement. */
export interface OverviewRows {
  leads: LeadCohortRow[];
  deals: DealRow[];
  listings: ListingRow[];
  activity: AppointmentTicketRow;
}

/**
 * The overview's figures (docs/analytics.md, "Overview"): ONE statement under the caller's RLS
 * whose four parts are each one pass over one organization's rows of a kind, counting the
 * current and the previous period together with FILTER clauses and grouping buckets, stages or
 * statuses with their total in one GROUPING SETS. One statement rather than four: the parts are
 * each about a millisecond of database time, and every round trip costs the API and the
 * database a write and a read more.
 */
@Injectable()
export class OverviewRepository {
  constructor(private readonly db: TenantDb) {}

  async figures(scope: AnalyticsScope): Promise<OverviewRows> {
    const rows = (part: RawBuilder<unknown>) => sql`(SELECT coalesce(json_agg(x), '[]') FROM (${part}) x)`;
    const { rows: result } = await sql<OverviewRows>`
      SELECT ${rows(this.leadCohorts(scope))} AS leads,
             ${rows(this.deals(scope))} AS deals,
             ${rows(this.listings(scope))} AS listings,
             (SELECT row_to_json(x) FROM (${this.appointmentsAndTickets(scope)}) x) AS activity`.execute(this.db.sql);
    return onlyRow(result);
  }

  /**
   * Leads created in either period, as a cohort (the definitions of app.campaign_lead_counts,
   * migration 20261206091000): where the leads created in a bucket or period are now, and how
   * fast they were answered (leads.first_response_at, migration 20261206170000).
   */
  private leadCohorts({ window, agentId }: AnalyticsScope): RawBuilder<LeadCohortRow> {
    const cur = sql`cur`;
    const prev = sql`NOT cur`;
    const contacted = sql`(status <> 'NEW_LEAD' OR answered)`;
    const qualified = sql`status IN ('QUALIFIED', 'CONVERTED')`;
    const figures = (period: RawBuilder<unknown>, p: '' | 'prev') => {
      // A quoted alias, not sql.ref: the SQL layer would rename an identifier to snake_case, and
      // the keys of the JSON this becomes are not renamed back.
      const alias = (n: string) => sql.raw(`"${p ? `prev${n.charAt(0).toUpperCase()}${n.slice(1)}` : n}"`);
      return sql.join(
        [
          sql`${int(period)} AS ${alias('created')}`,
          sql`${int(sql`${period} AND ${contacted}`)} AS ${alias('contacted')}`,
          sql`${int(sql`${period} AND ${qualified}`)} AS ${alias('qualified')}`,
          sql`${int(sql`${period} AND status = 'CONVERTED'`)} AS ${alias('converted')}`,
          sql`${int(sql`${period} AND status = 'LOST'`)} AS ${alias('lost')}`,
          sql`${rateOf(sql`count(*) FILTER (WHERE ${period} AND status = 'CONVERTED')`, sql`count(*) FILTER (WHERE ${period})`)} AS ${alias('conversionRate')}`,
          sql`${int(sql`${period} AND answered`)} AS ${alias('answered')}`,
          sql`${secondsAt(0.5, sql`response_seconds`, sql`${period} AND answered`)} AS ${alias('medianSeconds')}`,
          sql`${secondsAt(0.9, sql`response_seconds`, sql`${period} AND answered`)} AS ${alias('p90Seconds')}`,
          sql`${rateOf(
            sql`count(*) FILTER (WHERE ${period} AND answered AND response_seconds <= 300)`,
            sql`count(*) FILTER (WHERE ${period} AND (answered OR waiting))`,
          )} AS ${alias('withinFiveMinutes')}`,
        ],
        sql`, `,
      );
    };
    return sql<LeadCohortRow>`
      WITH l AS (
        SELECT created_at >= ${window.from} AS cur,
               -- bucketOf's key, formatted once per bucket below rather than once per lead.
               CASE WHEN created_at >= ${window.from}
                    THEN date_trunc(${window.interval}, timezone(${window.timeZone}, created_at)) END AS bucket,
               status,
               first_response_at IS NOT NULL AS answered,
               -- A response logged before the lead was created counts as 0 s.
               greatest(0, date_part('epoch', first_response_at - created_at)) AS response_seconds,
               -- Still waiting for an answer, and for longer than 5 minutes.
               status = 'NEW_LEAD' AND first_response_at IS NULL AND created_at <= now() - interval '5 minutes' AS waiting
          FROM leads
         WHERE organization_id = ${this.db.orgId}
           AND deleted_at IS NULL
           AND created_at >= ${window.previousFrom} AND created_at < ${window.to}
           AND (created_at >= ${window.from} OR created_at < ${window.previousTo})
           ${agentId ? sql`AND assigned_to_id = ${agentId}` : sql``}
      )
      SELECT to_char(bucket, 'YYYY-MM-DD') AS bucket, grouping(bucket) = 1 AS total, ${figures(cur, '')}, ${figures(prev, 'prev')}
        FROM l
       GROUP BY GROUPING SETS ((), (bucket))
      HAVING grouping(bucket) = 1 OR bucket IS NOT NULL`;
  }

  /**
   * Open deals by stage (now) and the deals won in either period: CLOSED_WON with their close
   * date (a local calendar date) inside it.
   */
  private deals({ window, agentId }: AnalyticsScope): RawBuilder<DealRow> {
    const day = localDays(window.timeZone, window);
    const won = (from: RawBuilder<unknown>, to: RawBuilder<unknown>) =>
      sql`status = 'WON' AND actual_close_date >= ${from} AND actual_close_date < ${to}`;
    const cur = won(day.from, day.to);
    const prev = won(day.previousFrom, day.previousTo);
    return sql<DealRow>`
      WITH d AS (
        SELECT stage, status, value, probability, actual_close_date,
               greatest(0, actual_close_date - timezone(${window.timeZone}, created_at)::date) AS days_to_close
          FROM deals
         WHERE organization_id = ${this.db.orgId}
           AND deleted_at IS NULL
           -- Status WON is stage CLOSED_WON (deals_status_matches_stage); the open deals and the won of
           -- both periods are two ranges of deals_org_open_won_idx.
           AND (status = 'ACTIVE' OR (status = 'WON' AND actual_close_date >= ${day.previousFrom} AND actual_close_date < ${day.to}))
           ${agentId ? sql`AND assigned_to_id = ${agentId}` : sql``}
      )
      SELECT stage, grouping(stage) = 1 AS total,
             ${int(sql`status = 'ACTIVE'`)} AS "openDeals",
             ${money(sql`sum(value) FILTER (WHERE status = 'ACTIVE')`)} AS "openValue",
             ${money(sql`sum(value * probability / 100) FILTER (WHERE status = 'ACTIVE')`)} AS "weightedValue",
             ${int(cur)} AS won,
             ${money(sql`sum(value) FILTER (WHERE ${cur})`)} AS "wonValue",
             round(avg(days_to_close) FILTER (WHERE ${cur}), 1)::float8 AS "avgDaysToClose",
             ${int(prev)} AS "prevWon",
             ${money(sql`sum(value) FILTER (WHERE ${prev})`)} AS "prevWonValue",
             round(avg(days_to_close) FILTER (WHERE ${prev}), 1)::float8 AS "prevAvgDaysToClose"
        FROM d
       GROUP BY GROUPING SETS ((), (stage))`;
  }

  /**
   * Live listings by status (now), the listings listed in either period (listing date, or the
   * local day the listing was created when it has none), the median days on market of those on
   * the market now, and the price changes of live listings in either period.
   */
  private listings({ window, agentId }: AnalyticsScope): RawBuilder<ListingRow> {
    const day = localDays(window.timeZone, window);
    const listedIn = (from: RawBuilder<unknown>, to: RawBuilder<unknown>) =>
      sql`listed_on >= ${from} AND listed_on < ${to}`;
    const changedIn = (from: Date, to: Date) => sql`h.changed_at >= ${from} AND h.changed_at < ${to}`;
    return sql<ListingRow>`
      WITH li AS (
        SELECT status, coalesce(listing_date, timezone(${window.timeZone}, created_at)::date) AS listed_on
          FROM listings
         WHERE organization_id = ${this.db.orgId}
           AND deleted_at IS NULL
           ${agentId ? sql`AND assigned_to_id = ${agentId}` : sql``}
      ), pc AS (
        SELECT ${int(changedIn(window.from, window.to))} AS cur, ${int(changedIn(window.previousFrom, window.previousTo))} AS prev
          FROM listing_price_history h
         WHERE h.organization_id = ${this.db.orgId}
           AND h.old_price IS NOT NULL
           AND h.changed_at >= ${window.previousFrom} AND h.changed_at < ${window.to}
           AND EXISTS (SELECT 1 FROM listings l
                        WHERE l.organization_id = h.organization_id AND l.id = h.listing_id AND l.deleted_at IS NULL
                        ${agentId ? sql`AND l.assigned_to_id = ${agentId}` : sql``})
      )
      SELECT status, grouping(status) = 1 AS total,
             count(*)::int AS listings,
             ${int(listedIn(day.from, day.to))} AS "newListings",
             ${int(listedIn(day.previousFrom, day.previousTo))} AS "prevNewListings",
             percentile_cont(0.5) WITHIN GROUP (ORDER BY greatest(0, timezone(${window.timeZone}, now())::date - listed_on))
               FILTER (WHERE status IN ('ACTIVE', 'PENDING', 'CONTINGENT')) AS "medianDaysOnMarket",
             (SELECT cur FROM pc) AS "priceChanges",
             (SELECT prev FROM pc) AS "prevPriceChanges"
        FROM li
       GROUP BY GROUPING SETS ((), (status))`;
  }

  /**
   * Appointments starting in either period (held: COMPLETED; no-shows: NO_SHOW), by their agent;
   * tickets opened and resolved in either period and open past due now (ticket_summary, as
   * src/tickets/ticket-stats.repository.ts reads it), by their assignees.
   */
  private appointmentsAndTickets({ window, agentId }: AnalyticsScope): RawBuilder<AppointmentTicketRow> {
    const startsIn = (from: Date, to: Date) => sql`starts_at >= ${from} AND starts_at < ${to}`;
    const created = (from: Date, to: Date) => sql`created_at >= ${from} AND created_at < ${to}`;
    const resolved = (from: Date, to: Date) => sql`resolved_at >= ${from} AND resolved_at < ${to}`;
    return sql<AppointmentTicketRow>`
      SELECT a.*, t.*
        FROM (SELECT ${int(sql`status = 'COMPLETED' AND ${startsIn(window.from, window.to)}`)} AS held,
                     ${int(sql`status = 'COMPLETED' AND ${startsIn(window.previousFrom, window.previousTo)}`)} AS "prevHeld",
                     ${int(sql`status = 'NO_SHOW' AND ${startsIn(window.from, window.to)}`)} AS "noShows",
                     ${int(sql`status = 'NO_SHOW' AND ${startsIn(window.previousFrom, window.previousTo)}`)} AS "prevNoShows"
                FROM appointments
               WHERE organization_id = ${this.db.orgId}
                 AND starts_at >= ${window.previousFrom} AND starts_at < ${window.to}
                 AND status IN ('COMPLETED', 'NO_SHOW')
                 ${agentId ? sql`AND agent_id = ${agentId}` : sql``}) a,
             (SELECT ${int(created(window.from, window.to))} AS opened,
                     ${int(created(window.previousFrom, window.previousTo))} AS "prevOpened",
                     ${int(resolved(window.from, window.to))} AS resolved,
                     ${int(resolved(window.previousFrom, window.previousTo))} AS "prevResolved",
                     ${secondsAt(0.5, sql`greatest(0, resolution_seconds)`, resolved(window.from, window.to))} AS "medianResolutionSeconds",
                     ${secondsAt(0.5, sql`greatest(0, resolution_seconds)`, resolved(window.previousFrom, window.previousTo))} AS "prevMedianResolutionSeconds",
                     ${int(sql`is_overdue`)} AS "openOverdue"
                FROM ticket_summary s
               WHERE organization_id = ${this.db.orgId}
                 ${
                   agentId
                     ? sql`AND EXISTS (SELECT 1 FROM ticket_assignees ta
                                        WHERE ta.organization_id = s.organization_id AND ta.ticket_id = s.id
                                          AND ta.user_id = ${agentId})`
                     : sql``
                 }) t`;
  }
}

/** The one row an aggregate without GROUP BY always returns. */
export function onlyRow<R>(rows: readonly R[]): R {
  const [row] = rows;
  if (row === undefined) throw new Error('An aggregate returned no row');
  return row;
}

/** The window's bounds as local calendar dates, for date columns (close dates, listing dates). */
function localDays(timeZone: string, window: { from: Date; to: Date; previousFrom: Date; previousTo: Date }) {
  const day = (instant: Date) => sql`timezone(${timeZone}, ${instant}::timestamptz)::date`;
  return {
    from: day(window.from),
    to: day(window.to),
    previousFrom: day(window.previousFrom),
    previousTo: day(window.previousTo),
  };
}
