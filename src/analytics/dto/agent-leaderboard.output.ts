import { ApiProperty } from '@nestjs/swagger';
import { MemberRole } from '../../generated/prisma/enums.js';
import { MAX_LEADERBOARD_ROWS } from '../agent-leaderboard.repository.js';
import { LEADERBOARD_SORTS, type LeaderboardSort } from './agent-leaderboard.query.js';
import {
  AnalyticsWindowOutput,
  ComparedCount,
  ComparedMoney,
  ComparedRate,
  ComparedSeconds,
} from './analytics-common.output.js';

/** One member's figures, each beside the previous period's (docs/analytics.md, "Agent leaderboard"). */
export class AgentLeaderboardRowOutput {
  @ApiProperty({ format: 'uuid', example: '3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c', description: 'The member (user id)' })
  agentId!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 200, example: 'Dana Whitfield' }) fullName!: string | null;
  @ApiProperty({ maxLength: 320, format: 'email', example: 'dana@harborrealty.example' }) email!: string;
  @ApiProperty({ enum: MemberRole, example: 'AGENT' }) role!: MemberRole;
  @ApiProperty({ type: ComparedCount, description: 'Live leads created in the period and assigned to the member now' })
  leadsAssigned!: ComparedCount;
  @ApiProperty({
    type: ComparedSeconds,
    description:
      'Median seconds from creation to first response over those of these leads that were answered (whole seconds)',
  })
  speedToLead!: ComparedSeconds;
  @ApiProperty({
    type: ComparedCount,
    description: 'CALL, EMAIL, MEETING and SHOWING activities completed in the period, assigned to the member',
  })
  contactsMade!: ComparedCount;
  @ApiProperty({ type: ComparedCount, description: 'COMPLETED appointments of the member that started in the period' })
  appointmentsHeld!: ComparedCount;
  @ApiProperty({
    type: ComparedCount,
    description: 'Live WON deals assigned to the member, closed on a day of the period',
  })
  dealsWon!: ComparedCount;
  @ApiProperty({ type: ComparedMoney, description: 'The value of those deals' }) dealsWonValue!: ComparedMoney;
  @ApiProperty({ type: ComparedRate, description: 'Of the leads assigned, the share CONVERTED now (4 decimals)' })
  conversionRate!: ComparedRate;
}

export class AgentLeaderboardOutput {
  @ApiProperty({ type: AnalyticsWindowOutput }) window!: AnalyticsWindowOutput;
  @ApiProperty({ enum: LEADERBOARD_SORTS, example: '-leadsAssigned', description: 'The order of the rows' })
  sort!: LeaderboardSort;
  @ApiProperty({
    type: [AgentLeaderboardRowOutput],
    maxItems: MAX_LEADERBOARD_ROWS,
    description: `One row per member of the organization (every role), zeros included; only the agentId member with agentId. At most ${MAX_LEADERBOARD_ROWS}`,
  })
  data!: AgentLeaderboardRowOutput[];
}
