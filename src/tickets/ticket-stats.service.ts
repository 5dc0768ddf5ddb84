import { Injectable } from '@nestjs/common';
import { ValidationFailed } from '../common/errors.js';
import { TenantDb } from '../database/tenant-db.js';
import { TicketPriority } from '../generated/prisma/enums.js';
import type { TicketPeriodQuery } from './dto/list-tickets.query.js';
import type { TicketStatsOutput, WorkloadOutput } from './dto/ticket.output.js';
import { TICKET_STATUSES } from './ticket-status.js';
import { TicketStatsRepository } from './ticket-stats.repository.js';

const zeroes = <K extends string>(keys: readonly K[]): Record<K, number> =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

function checkPeriod(period: TicketPeriodQuery): void {
  if (period.from && period.to && period.from >= period.to) {
    throw new ValidationFailed([{ field: 'to', message: 'must be after from' }]);
  }
}

/** Seed 001's summary metrics, over what the caller may see. */
@Injectable()
export class TicketStatsService {
  constructor(
    private readonly db: TenantDb,
    private readonly stats: TicketStatsRepository,
  ) {}

  summary(period: TicketPeriodQuery): Promise<TicketStatsOutput> {
    checkPeriod(period);
    return this.db.run(async () => {
      const { totals, byStatus, byPriority } = await this.stats.stats(period);
      const statusCounts = zeroes(TICKET_STATUSES);
      for (const r of byStatus) statusCounts[r.key] = r.n;
      const priorityCounts = zeroes(Object.values(TicketPriority));
      for (const r of byPriority) priorityCounts[r.key] = r.n;
      return {
        from: period.from?.toISOString() ?? null,
        to: period.to?.toISOString() ?? null,
        total: totals.total,
        byStatus: statusCounts,
        byPriority: priorityCounts,
        open: totals.open,
        overdue: totals.overdue,
        medianFirstResponseSeconds: totals.medianFirstResponse === null ? null : Number(totals.medianFirstResponse),
        medianResolutionSeconds: totals.medianResolution === null ? null : Number(totals.medianResolution),
      };
    });
  }

  workload(period: TicketPeriodQuery): Promise<WorkloadOutput> {
    checkPeriod(period);
    return this.db.run(async () => {
      const rows = await this.stats.workload(period);
      return {
        from: period.from?.toISOString() ?? null,
        to: period.to?.toISOString() ?? null,
        data: rows.map((r) => ({
          userId: r.userId,
          fullName: r.fullName,
          email: r.email,
          role: r.role,
          open: r.open,
          overdue: r.overdue,
          resolvedInPeriod: r.resolved,
        })),
      };
    });
  }
}
