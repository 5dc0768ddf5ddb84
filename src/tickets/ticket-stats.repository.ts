import { Injectable } from '@nestjs/common';
import { TenantDb } from '../database/tenant-db.js';
import type { MemberRole, TicketPriority, TicketStatus } from '../generated/prisma/enums.js';

export interface Period {
  from?: Date;
  to?: Date;
}

export interface TicketTotals {
  total: number;
  open: number;
  overdue: number;
  median_first_response: number | null;
  median_resolution: number | null;
}

export interface WorkloadRow {
  user_id: string;
  full_name: string | null;
  email: string;
  role: MemberRole;
  open: number;
  overdue: number;
  resolved: number;
}

/**
 * Figures from the security_invoker views ticket_summary and user_workload, so RLS
 * applies to them as to the tables (an AGENT's figures cover their own tickets).
 */
@Injectable()
export class TicketStatsRepository {
  constructor(private readonly db: TenantDb) {}

  /** Tickets created in [from, to). */
  async stats(period: Period): Promise<{
    totals: TicketTotals;
    byStatus: { key: TicketStatus; n: number }[];
    byPriority: { key: TicketPriority; n: number }[];
  }> {
    const from = period.from ?? null;
    const to = period.to ?? null;
    const org = this.db.orgId;
    const [totals] = await this.db.tx.$queryRaw<TicketTotals[]>`
      SELECT count(*)::int AS total,
             count(*) FILTER (WHERE is_open)::int AS open,
             count(*) FILTER (WHERE is_overdue)::int AS overdue,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY first_response_seconds) AS median_first_response,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY resolution_seconds) AS median_resolution
      FROM ticket_summary
      WHERE organization_id = ${org}::uuid
        AND (${from}::timestamptz IS NULL OR created_at >= ${from}::timestamptz)
        AND (${to}::timestamptz IS NULL OR created_at < ${to}::timestamptz)`;
    const byStatus = await this.db.tx.$queryRaw<{ key: TicketStatus; n: number }[]>`
      SELECT status::text AS key, count(*)::int AS n FROM ticket_summary
      WHERE organization_id = ${org}::uuid
        AND (${from}::timestamptz IS NULL OR created_at >= ${from}::timestamptz)
        AND (${to}::timestamptz IS NULL OR created_at < ${to}::timestamptz)
      GROUP BY status`;
    const byPriority = await this.db.tx.$queryRaw<{ key: TicketPriority; n: number }[]>`
      SELECT priority::text AS key, count(*)::int AS n FROM ticket_summary
      WHERE organization_id = ${org}::uuid
        AND (${from}::timestamptz IS NULL OR created_at >= ${from}::timestamptz)
        AND (${to}::timestamptz IS NULL OR created_at < ${to}::timestamptz)
      GROUP BY priority`;
    return { totals, byStatus, byPriority };
  }

  /** Per member: assigned tickets open and overdue now, and resolved in [from, to). */
  workload(period: Period): Promise<WorkloadRow[]> {
    const from = period.from ?? null;
    const to = period.to ?? null;
    return this.db.tx.$queryRaw<WorkloadRow[]>`
      SELECT user_id, full_name, email, role::text AS role,
             count(ticket_id) FILTER (WHERE is_open)::int AS open,
             count(ticket_id) FILTER (WHERE is_overdue)::int AS overdue,
             count(ticket_id) FILTER (
               WHERE resolved_at IS NOT NULL
                 AND (${from}::timestamptz IS NULL OR resolved_at >= ${from}::timestamptz)
                 AND (${to}::timestamptz IS NULL OR resolved_at < ${to}::timestamptz)
             )::int AS resolved
      FROM user_workload
      WHERE organization_id = ${this.db.orgId}::uuid
      GROUP BY user_id, full_name, email, role
      ORDER BY open DESC, overdue DESC, email, user_id`;
  }
}
