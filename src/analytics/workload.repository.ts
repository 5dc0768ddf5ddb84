import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { TenantDb } from '../database/tenant-db.js';
import type { MemberRole } from '../generated/prisma/enums.js';

/** One member's open work at the statement's `now()`. */
export interface WorkloadRow {
  userId: string;
  fullName: string | null;
  email: string;
  role: MemberRole;
  openLeads: number;
  openDeals: number;
  activitiesDue: number;
  activitiesOverdue: number;
  upcomingAppointments: number;
  openTickets: number;
  overdueTickets: number;
}

export interface Workload {
  asOf: Date;
  members: WorkloadRow[];
}

/** How far ahead "due soon" and "upcoming" look. */
export const WORKLOAD_HORIZON_DAYS = 7;

/**
 * Seed 001's user_workload beyond tickets: per member, their open leads, deals, activities,
 * appointments and tickets, in ONE statement under RLS (an AGENT counts only what they may
 * see). Each kind is counted once per assignee in its own grouped subquery, then joined to
 * the members, so the statement's cost grows with the open records, not members × records.
 */
@Injectable()
export class WorkloadRepository {
  constructor(private readonly db: TenantDb) {}

  async workload(agentId: string | null): Promise<Workload> {
    const org = this.db.orgId;
    const horizon = sql`now() + make_interval(days => ${WORKLOAD_HORIZON_DAYS})`;
    const { rows } = await sql<{ asOf: Date; members: WorkloadRow[] }>`
      WITH members AS (
        SELECT m.user_id, m.role, p.full_name, p.email
          FROM memberships m
          JOIN profiles p ON p.id = m.user_id
         WHERE m.organization_id = ${org}
           ${agentId ? sql`AND m.user_id = ${agentId}` : sql``}
      ), open_leads AS (
        SELECT l.assigned_to_id AS user_id, count(*)::int AS n
          FROM leads l
         WHERE l.organization_id = ${org}
           AND l.assigned_to_id IN (SELECT user_id FROM members)
           AND l.deleted_at IS NULL
           AND l.status NOT IN ('CONVERTED', 'LOST')
         GROUP BY l.assigned_to_id
      ), open_deals AS (
        SELECT d.assigned_to_id AS user_id, count(*)::int AS n
          FROM deals d
         WHERE d.organization_id = ${org}
           AND d.assigned_to_id IN (SELECT user_id FROM members)
           AND d.deleted_at IS NULL
           AND d.status = 'ACTIVE'
         GROUP BY d.assigned_to_id
      ), open_activities AS (
        -- Only due dates before the horizon: activities_org_due_idx holds the open ones.
        SELECT a.assigned_to_id AS user_id,
               (count(*) FILTER (WHERE a.due_date >= now()))::int AS due,
               (count(*) FILTER (WHERE a.due_date < now()))::int AS overdue
          FROM activities a
         WHERE a.organization_id = ${org}
           AND a.assigned_to_id IN (SELECT user_id FROM members)
           AND a.completed_at IS NULL
           AND a.due_date < ${horizon}
         GROUP BY a.assigned_to_id
      ), upcoming AS (
        SELECT ap.agent_id AS user_id, count(*)::int AS n
          FROM appointments ap
         WHERE ap.organization_id = ${org}
           AND ap.agent_id IN (SELECT user_id FROM members)
           AND ap.status IN ('SCHEDULED', 'CONFIRMED')
           AND ap.starts_at >= now()
           AND ap.starts_at < ${horizon}
         GROUP BY ap.agent_id
      ), open_tickets AS (
        SELECT ta.user_id,
               count(*)::int AS open,
               (count(*) FILTER (WHERE t.due_at < now()))::int AS overdue
          FROM ticket_assignees ta
          JOIN tickets t ON t.organization_id = ta.organization_id AND t.id = ta.ticket_id
         WHERE ta.organization_id = ${org}
           AND ta.user_id IN (SELECT user_id FROM members)
           AND app.ticket_is_open(t.status)
         GROUP BY ta.user_id
      )
      SELECT now() AS "asOf",
             coalesce((
               SELECT json_agg(json_build_object(
                        'userId', m.user_id,
                        'fullName', m.full_name,
                        'email', m.email,
                        'role', m.role,
                        'openLeads', coalesce(ol.n, 0),
                        'openDeals', coalesce(od.n, 0),
                        'activitiesDue', coalesce(oa.due, 0),
                        'activitiesOverdue', coalesce(oa.overdue, 0),
                        'upcomingAppointments', coalesce(up.n, 0),
                        'openTickets', coalesce(ot.open, 0),
                        'overdueTickets', coalesce(ot.overdue, 0))
                      ORDER BY lower(m.email), m.user_id)
                 FROM members m
                 LEFT JOIN open_leads ol ON ol.user_id = m.user_id
                 LEFT JOIN open_deals od ON od.user_id = m.user_id
                 LEFT JOIN open_activities oa ON oa.user_id = m.user_id
                 LEFT JOIN upcoming up ON up.user_id = m.user_id
                 LEFT JOIN open_tickets ot ON ot.user_id = m.user_id
             ), '[]') AS members`.execute(this.db.sql);
    const [row] = rows;
    if (!row) throw new Error('An aggregate-free SELECT without FROM returns one row');
    return { asOf: row.asOf, members: row.members };
  }
}
