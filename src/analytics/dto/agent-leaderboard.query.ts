import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { LEADERBOARD_METRICS, type LeaderboardMetric } from '../agent-leaderboard.repository.js';
import { AnalyticsQuery } from './analytics.query.js';

/** `leadsAssigned` sorts ascending, `-leadsAssigned` descending. */
export const LEADERBOARD_SORTS = LEADERBOARD_METRICS.flatMap((m) => [m, `-${m}`] as const);
export type LeaderboardSort = LeaderboardMetric | `-${LeaderboardMetric}`;

/** The window and, optionally, one member; plus the order of the rows. */
export class AgentLeaderboardQuery extends AnalyticsQuery {
  @ApiPropertyOptional({
    enum: LEADERBOARD_SORTS,
    description:
      "The current period's figure the members are ranked by; prefix with - for descending (most first). " +
      'Members without the figure (no answered lead for speedToLead, no lead for conversionRate) come last either way; ties by name. ' +
      'Default: -leadsAssigned.',
  })
  @IsOptional()
  @IsIn(LEADERBOARD_SORTS)
  sort: LeaderboardSort = '-leadsAssigned';
}
