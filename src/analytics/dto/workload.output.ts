import { ApiProperty } from '@nestjs/swagger';
import { MemberRole } from '../../generated/prisma/enums.js';
import { AnalyticsWindowOutput, COUNT } from './analytics-common.output.js';

/** Members listed at most (a brokerage's roster is far smaller; the bound is for clients and the OpenAPI lint). */
export const MAX_WORKLOAD_MEMBERS = 10_000;

/** One member's open work at `asOf` (docs/analytics.md, "Workload"). */
export class MemberWorkloadOutput {
  @ApiProperty({ format: 'uuid', example: '5b1d2f3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f' }) userId!: string;
  @ApiProperty({ maxLength: 200, example: 'Dana Agent', nullable: true, type: String }) fullName!: string | null;
  @ApiProperty({ maxLength: 320, example: 'dana@brokerage.example' }) email!: string;
  @ApiProperty({ enum: MemberRole, enumName: 'MemberRole', example: 'AGENT' }) role!: MemberRole;
  @ApiProperty({ ...COUNT, example: 14, description: 'Live leads assigned to the member, not CONVERTED or LOST' })
  openLeads!: number;
  @ApiProperty({ ...COUNT, example: 5, description: 'Live deals assigned to the member with status ACTIVE' })
  openDeals!: number;
  @ApiProperty({
    ...COUNT,
    example: 6,
    description: 'Activities assigned to the member, not completed, due from now to 7 days from now',
  })
  activitiesDue!: number;
  @ApiProperty({
    ...COUNT,
    example: 2,
    description: 'Activities assigned to the member, not completed, due before now',
  })
  activitiesOverdue!: number;
  @ApiProperty({
    ...COUNT,
    example: 3,
    description: "SCHEDULED or CONFIRMED appointments on the member's calendar starting from now to 7 days from now",
  })
  upcomingAppointments!: number;
  @ApiProperty({
    ...COUNT,
    example: 4,
    description: 'Tickets the member is assigned to that are OPEN, IN_PROGRESS, PENDING_CUSTOMER or REOPENED',
  })
  openTickets!: number;
  @ApiProperty({ ...COUNT, example: 1, description: 'Of the open tickets, those past their dueAt' })
  overdueTickets!: number;
}

export class WorkloadOutput {
  @ApiProperty({
    type: AnalyticsWindowOutput,
    description: 'The query as resolved; the figures do not depend on the period',
  })
  window!: AnalyticsWindowOutput;
  @ApiProperty({
    format: 'date-time',
    example: '2026-12-06T14:05:00.000Z',
    description: 'The moment the figures describe',
  })
  asOf!: string;
  @ApiProperty({
    type: [MemberWorkloadOutput],
    maxItems: MAX_WORKLOAD_MEMBERS,
    description: 'One row per member (only yours as an AGENT, only agentId with it), by email',
  })
  data!: MemberWorkloadOutput[];
}
