import { Injectable } from '@nestjs/common';
import { AnalyticsDb } from './analytics-db.js';
import { compare, compareMoney } from './analytics-sql.js';
import { toWindowOutput } from './analytics.mapper.js';
import {
  AgentLeaderboardRepository,
  type LeaderboardMetric,
  type LeaderboardRow,
} from './agent-leaderboard.repository.js';
import type { AgentLeaderboardOutput, AgentLeaderboardRowOutput } from './dto/agent-leaderboard.output.js';
import type { AgentLeaderboardQuery } from './dto/agent-leaderboard.query.js';

/** GET /v1/analytics/agents: who brings the leads in, answers them, meets clients and closes. */
@Injectable()
export class AgentLeaderboardService {
  constructor(
    private readonly analytics: AnalyticsDb,
    private readonly leaderboard: AgentLeaderboardRepository,
  ) {}

  agents(query: AgentLeaderboardQuery): Promise<AgentLeaderboardOutput> {
    const descending = query.sort.startsWith('-');
    const metric = (descending ? query.sort.slice(1) : query.sort) as LeaderboardMetric;
    return this.analytics.run(query, async (scope) => ({
      window: toWindowOutput(scope),
      sort: query.sort,
      data: (await this.leaderboard.rows(scope, metric, descending ? 'desc' : 'asc')).map(toRowOutput),
    }));
  }
}

const toRowOutput = (row: LeaderboardRow): AgentLeaderboardRowOutput => ({
  agentId: row.userId,
  fullName: row.fullName,
  email: row.email,
  role: row.role,
  leadsAssigned: compare(row.leadsAssigned, row.leadsAssignedPrevious),
  speedToLead: compare(row.speedToLead, row.speedToLeadPrevious),
  contactsMade: compare(row.contactsMade, row.contactsMadePrevious),
  appointmentsHeld: compare(row.appointmentsHeld, row.appointmentsHeldPrevious),
  dealsWon: compare(row.dealsWon, row.dealsWonPrevious),
  // Two amounts always have a difference: compareMoney's delta is never null.
  dealsWonValue: compareMoney(row.dealsWonValue, row.dealsWonValuePrevious),
  conversionRate: compare(row.conversionRate, row.conversionRatePrevious),
});
