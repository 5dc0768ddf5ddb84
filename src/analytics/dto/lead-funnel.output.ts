import { ApiProperty } from '@nestjs/swagger';
import type { LeadStatus } from '../../generated/prisma/enums.js';
import { FUNNEL_GROUPINGS, type FunnelGrouping, MAX_FUNNEL_GROUPS } from '../lead-funnel.repository.js';
import { AnalyticsWindowOutput, COUNT, ComparedCount, ComparedRate } from './analytics-common.output.js';

/** Leads of the group created in the period, by their status now. */
export class LeadStatusCounts implements Record<LeadStatus, number> {
  @ApiProperty({ ...COUNT, example: 4 }) NEW_LEAD!: number;
  @ApiProperty({ ...COUNT, example: 9 }) IN_CONTACT!: number;
  @ApiProperty({ ...COUNT, example: 5 }) QUALIFIED!: number;
  @ApiProperty({ ...COUNT, example: 2 }) UNQUALIFIED!: number;
  @ApiProperty({ ...COUNT, example: 3 }) CONVERTED!: number;
  @ApiProperty({ ...COUNT, example: 1 }) LOST!: number;
}

/** One group of the funnel (docs/analytics.md, "Leads funnel"). */
export class LeadFunnelGroupOutput {
  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 36,
    pattern: '^([A-Z_]+|[0-9a-f-]{36})$',
    example: 'REFERRAL',
    description:
      'The group: a LeadSource or LeadScore value, or a campaign or member id; null for the leads with no campaign or no assignee',
  })
  key!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 320,
    example: 'REFERRAL',
    description:
      "What to show for the key: the campaign's name, the member's full name (their email when they gave none), the enum value; null for a null key",
  })
  label!: string | null;
  @ApiProperty({ type: ComparedCount, description: 'Leads created in the period (live ones)' }) leads!: ComparedCount;
  @ApiProperty({ type: LeadStatusCounts, description: "This period's leads by their current status" })
  byStatus!: LeadStatusCounts;
  @ApiProperty({
    ...COUNT,
    example: 14,
    description: "This period's leads out of NEW_LEAD or answered (a first response recorded)",
  })
  contacted!: number;
  @ApiProperty({ ...COUNT, example: 8, description: "This period's leads QUALIFIED or CONVERTED" }) qualified!: number;
  @ApiProperty({ ...COUNT, example: 3, description: "This period's leads CONVERTED" }) converted!: number;
  @ApiProperty({ ...COUNT, example: 1, description: "This period's leads LOST" }) lost!: number;
  @ApiProperty({ type: ComparedRate, description: 'qualified / leads (4 decimals)' }) qualificationRate!: ComparedRate;
  @ApiProperty({ type: ComparedRate, description: 'contacted / leads (4 decimals)' }) responseRate!: ComparedRate;
  @ApiProperty({ type: ComparedRate, description: 'converted / leads (4 decimals)' }) conversionRate!: ComparedRate;
}

export class LeadFunnelOutput {
  @ApiProperty({ type: AnalyticsWindowOutput }) window!: AnalyticsWindowOutput;
  @ApiProperty({ enum: FUNNEL_GROUPINGS, example: 'source', description: 'What the leads are grouped by' })
  groupBy!: FunnelGrouping;
  @ApiProperty({
    type: [LeadFunnelGroupOutput],
    maxItems: MAX_FUNNEL_GROUPS,
    description: `Groups with a lead created in this period or the previous one, most leads first (then most previous leads, then by key, null last); at most ${MAX_FUNNEL_GROUPS}`,
  })
  groups!: LeadFunnelGroupOutput[];
}
