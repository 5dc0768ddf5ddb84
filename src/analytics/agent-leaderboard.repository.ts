import { Injectable } from '@nestjs/common';
import { type RawBuilder, sql } from 'kysely';
import { TenantDb } from '../database/tenant-db.js';
import type { MemberRole } from '../generated/prisma/enums.js';
import { rateOf } from './analytics-sql.js';
import type { AnalyticsScope } from './analytics-window.js';

/** What the leaderboard can be sorted by: each a figure of the current period. */
export const LEADERBOARD_METRICS = [
  'leadsAssigned',
  'speedToLead',
  'contactsMade',
  'appointmentsHeld',
  'dealsWon',
  'dealsWonValue',
  'conversionRate',
] as const;
export type LeaderboardMetric = (typeof LEADERBOARD_METRICS)[number];

/** A response lists at most this many members. */
export const MAX_LEADERBOARD_ROWS = 1000;

/** One member's figures (columns come back camelCased); `*Previous` are the previous period's. */
export interface LeaderboardRow {
  userId: string;
  fullName: string | null;
  email: string;
  role: MemberRole;
  leadsAssigned: number;
  leadsAssignedPrevious: number;
  speedToLead: number | null;
  speedToLeadPrevious: number | null;
  contactsMade: number;
  contactsMadePrevious: number;
  appointmentsHeld: number;
  appointmentsHeldPrevious: number;
  dealsWon: number;
  dealsWonPrevious: number;
  dealsWonValue: string;
  dealsWonValuePrevious: string;
  conversionRate: number | null;
  conversionRatePrevious: number | null;
}

/** What ORDER BY reads for each metric: the current period's figure (the value as a number, not its text). */
const COLUMN_OF: Record<LeaderboardMetric, string> = {
  leadsAssigned: 'leads_assigned',
  speedToLead: 'speed_to_lead',
  contactsMade: 'contacts_made',
  appointmentsHeld: 'appointments_held',
  dealsWon: 'deals_won',
  dealsWonValue: 'coalesce(d.value, 0)',
  conversionRate: 'conversion_rate',
};

/**
 * The agent leaderboard (docs/analytics.md, "Agent leaderboard"): every member of the
 * organization with their leads, answers, contacts, appointments and won deals, current and
 * previous period — ONE statement: each source is scanned once over both periods, grouped by
 * member, and joined to the roster (a member with no records gets zeros).
 */
@Injectable()
export class AgentLeaderboardRepository {
  constructor(private readonly db: TenantDb) {}

  async rows(
    { window, agentId }: AnalyticsScope,
    sort: LeaderboardMetric,
    direction: 'asc' | 'desc',
  ): Promise<LeaderboardRow[]> {
    const org = this.db.orgId;
    const { from, to, previousFrom, previousTo, timeZone } = window;
    // Each scan covers [previousFrom, to); the previous period ends at or before `from`.
    const since = (column: string) => sql`${sql.raw(column)} >= ${from}::timestamptz`;
    const before = (column: string) => sql`${sql.raw(column)} < ${previousTo}::timestamptz`;
    const count = (period: RawBuilder<unknown>, where: RawBuilder<unknown> = sql`true`) =>
      sql<number>`(count(*) FILTER (WHERE ${period} AND ${where}))::int`;
    // Whole seconds from creation to first response; a response logged before creation is 0 s.
    const answered = sql`l.first_response_at IS NOT NULL`;
    const median = (period: RawBuilder<unknown>) =>
      sql`round(percentile_cont(0.5) WITHIN GROUP (
                  ORDER BY greatest(0, extract(epoch FROM l.first_response_at - l.created_at))::float8)
                FILTER (WHERE ${period} AND ${answered}))`;
    // Deals close on a calendar date: the organization's local dates of the window.
    const localDate = (instant: Date) => sql`timezone(${timeZone}, ${instant}::timestamptz)::date`;
    const won = (period: 'current' | 'previous') =>
      period === 'current'
        ? sql`d.actual_close_date >= ${localDate(from)}`
        : sql`d.actual_close_date < ${localDate(previousTo)}`;
    const member = (column: string) => (agentId ? sql`AND ${sql.raw(column)} = ${agentId}` : sql``);
    const order = sql.raw(`${COLUMN_OF[sort]} ${direction === 'asc' ? 'ASC' : 'DESC'} NULLS LAST`);

    const { rows } = await sql<LeaderboardRow>`
      WITH roster AS (
        SELECT m.user_id, m.role, p.full_name, p.email
          FROM memberships m
          JOIN profiles p ON p.id = m.user_id
         WHERE m.organization_id = ${org} ${member('m.user_id')}
      ), leads_of AS (
        SELECT l.assigned_to_id AS user_id,
               ${count(since('l.created_at'))} AS leads,
               ${count(before('l.created_at'))} AS leads_previous,
               ${count(since('l.created_at'), sql`l.status = 'CONVERTED'`)} AS converted,
               ${count(before('l.created_at'), sql`l.status = 'CONVERTED'`)} AS converted_previous,
               ${median(since('l.created_at'))} AS speed,
               ${median(before('l.created_at'))} AS speed_previous
          FROM leads l
         WHERE l.organization_id = ${org}
           AND l.deleted_at IS NULL
           AND l.created_at >= ${previousFrom}::timestamptz AND l.created_at < ${to}::timestamptz
           AND l.assigned_to_id IS NOT NULL ${member('l.assigned_to_id')}
         GROUP BY 1
      ), contacts_of AS (
        SELECT a.assigned_to_id AS user_id,
               ${count(since('a.completed_at'))} AS made,
               ${count(before('a.completed_at'))} AS made_previous
          FROM activities a
         WHERE a.organization_id = ${org}
           AND a.type IN ('CALL', 'EMAIL', 'MEETING', 'SHOWING')
           AND a.completed_at >= ${previousFrom}::timestamptz AND a.completed_at < ${to}::timestamptz
           AND a.assigned_to_id IS NOT NULL ${member('a.assigned_to_id')}
         GROUP BY 1
      ), appointments_of AS (
        SELECT ap.agent_id AS user_id,
               ${count(since('ap.starts_at'))} AS held,
               ${count(before('ap.starts_at'))} AS held_previous
          FROM appointments ap
         WHERE ap.organization_id = ${org}
           AND ap.status = 'COMPLETED'
           AND ap.starts_at >= ${previousFrom}::timestamptz AND ap.starts_at < ${to}::timestamptz
           AND ap.agent_id IS NOT NULL ${member('ap.agent_id')}
         GROUP BY 1
      ), deals_of AS (
        SELECT d.assigned_to_id AS user_id,
               ${count(won('current'))} AS won,
               ${count(won('previous'))} AS won_previous,
               coalesce(sum(d.value) FILTER (WHERE ${won('current')}), 0) AS value,
               coalesce(sum(d.value) FILTER (WHERE ${won('previous')}), 0) AS value_previous
          FROM deals d
         WHERE d.organization_id = ${org}
           AND d.status = 'WON'
           AND d.deleted_at IS NULL
           AND d.actual_close_date >= ${localDate(previousFrom)} AND d.actual_close_date < ${localDate(to)}
           AND d.assigned_to_id IS NOT NULL ${member('d.assigned_to_id')}
         GROUP BY 1
      )
      SELECT r.user_id, r.full_name, r.email, r.role,
             coalesce(l.leads, 0) AS leads_assigned,
             coalesce(l.leads_previous, 0) AS leads_assigned_previous,
             l.speed AS speed_to_lead,
             l.speed_previous AS speed_to_lead_previous,
             coalesce(c.made, 0) AS contacts_made,
             coalesce(c.made_previous, 0) AS contacts_made_previous,
             coalesce(ap.held, 0) AS appointments_held,
             coalesce(ap.held_previous, 0) AS appointments_held_previous,
             coalesce(d.won, 0) AS deals_won,
             coalesce(d.won_previous, 0) AS deals_won_previous,
             coalesce(d.value, 0)::numeric(14, 2)::text AS deals_won_value,
             coalesce(d.value_previous, 0)::numeric(14, 2)::text AS deals_won_value_previous,
             ${rateOf(sql`l.converted`, sql`l.leads`)} AS conversion_rate,
             ${rateOf(sql`l.converted_previous`, sql`l.leads_previous`)} AS conversion_rate_previous
        FROM roster r
        LEFT JOIN leads_of l ON l.user_id = r.user_id
        LEFT JOIN contacts_of c ON c.user_id = r.user_id
        LEFT JOIN appointments_of ap ON ap.user_id = r.user_id
        LEFT JOIN deals_of d ON d.user_id = r.user_id
       ORDER BY ${order}, lower(coalesce(r.full_name, r.email)), r.email, r.user_id
       LIMIT ${MAX_LEADERBOARD_ROWS}`.execute(this.db.sql);
    return rows;
  }
}
