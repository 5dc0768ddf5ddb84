import { Injectable } from '@nestjs/common';
import { type ExpressionBuilder, sql } from 'kysely';
import type { DB } from '../database/schema.js';
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
  medianFirstResponse: number | null;
  medianResolution: number | null;
}

export interface WorkloadRow {
  userId: string;
  fullName: string | null;
  email: string;
  role: MemberRole;
  open: number;
  overdue: number;
  resolved: number;
}

type Summary = ExpressionBuilder<DB, 'ticket_summary'>;

/** Tickets created in [from, to), of this organization. */
const createdIn =
  (org: string, { from, to }: Period) =>
  (eb: Summary) =>
    eb.and([
      eb('organizationId', '=', org),
      ...(from ? [eb('createdAt', '>=', from)] : []),
      ...(to ? [eb('createdAt', '<', to)] : []),
    ]);

const countInt = sql<number>`count(*)::int`;

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
    const where = createdIn(this.db.orgId, period);
    const median = (eb: Summary, column: 'firstResponseSeconds' | 'resolutionSeconds') =>
      sql<number | null>`percentile_cont(0.5) WITHIN GROUP (ORDER BY ${eb.ref(column)})`;
    const totals = await this.db.sql
      .selectFrom('ticket_summary')
      .select((eb) => [
        countInt.as('total'),
        sql<number>`count(*) FILTER (WHERE ${eb.ref('isOpen')})::int`.as('open'),
        sql<number>`count(*) FILTER (WHERE ${eb.ref('isOverdue')})::int`.as('overdue'),
        median(eb, 'firstResponseSeconds').as('medianFirstResponse'),
        median(eb, 'resolutionSeconds').as('medianResolution'),
      ])
      .where(where)
      .executeTakeFirstOrThrow();
    const byStatus = await this.db.sql
      .selectFrom('ticket_summary')
      .select(['status as key', countInt.as('n')])
      .where(where)
      .groupBy('status')
      .execute();
    const byPriority = await this.db.sql
      .selectFrom('ticket_summary')
      .select(['priority as key', countInt.as('n')])
      .where(where)
      .groupBy('priority')
      .execute();
    return { totals, byStatus, byPriority };
  }

  /** Per member: assigned tickets open and overdue now, and resolved in [from, to). */
  workload({ from, to }: Period): Promise<WorkloadRow[]> {
    return this.db.sql
      .selectFrom('user_workload')
      .select((eb) => {
        const resolvedIn = eb.and([
          eb('resolvedAt', 'is not', null),
          ...(from ? [eb('resolvedAt', '>=', from)] : []),
          ...(to ? [eb('resolvedAt', '<', to)] : []),
        ]);
        return [
          'userId',
          'fullName',
          'email',
          'role',
          sql<number>`count(${eb.ref('ticketId')}) FILTER (WHERE ${eb.ref('isOpen')})::int`.as('open'),
          sql<number>`count(${eb.ref('ticketId')}) FILTER (WHERE ${eb.ref('isOverdue')})::int`.as('overdue'),
          sql<number>`count(${eb.ref('ticketId')}) FILTER (WHERE ${resolvedIn})::int`.as('resolved'),
        ];
      })
      .where('organizationId', '=', this.db.orgId)
      .groupBy(['userId', 'fullName', 'email', 'role'])
      .orderBy('open', 'desc')
      .orderBy('overdue', 'desc')
      .orderBy('email')
      .orderBy('userId')
      .execute();
  }
}
