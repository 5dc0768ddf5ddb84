import { ApiProperty } from '@nestjs/swagger';
import { CampaignStatus } from '../../generated/prisma/enums.js';
import {
  AnalyticsWindowOutput,
  COUNT,
  ComparedCount,
  ComparedRate,
  ComparedSeconds,
  MONEY,
} from './analytics-common.output.js';

/** 1,096 days of daily buckets, plus the one a week or month may start early. */
const MAX_BUCKETS = 1100;

export class AnalyticsCampaignOutput {
  @ApiProperty({ format: 'uuid', example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' }) id!: string;
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Spring open house weekend' }) name!: string;
  @ApiProperty({ enum: CampaignStatus, enumName: 'CampaignStatus', example: 'ACTIVE' }) status!: CampaignStatus;
  @ApiProperty({ ...MONEY, nullable: true, example: '2500.00', description: "The campaign's whole budget" })
  budget!: string | null;
}

/** Issue 17's figures over the leads created in a period, each beside the previous period's. */
export class CampaignPeriodFigures {
  @ApiProperty({ type: ComparedCount, description: 'Live leads of the campaign created in the period' })
  leads!: ComparedCount;
  @ApiProperty({
    type: ComparedCount,
    description: 'Of those, no longer NEW_LEAD or with a completed CALL, EMAIL, MEETING or SHOWING',
  })
  contacted!: ComparedCount;
  @ApiProperty({ type: ComparedCount, description: 'Of those, QUALIFIED or CONVERTED now' }) qualified!: ComparedCount;
  @ApiProperty({ type: ComparedCount, description: 'Of those, CONVERTED now' }) converted!: ComparedCount;
  @ApiProperty({ type: ComparedCount, description: 'Of those, LOST now' }) lost!: ComparedCount;
  @ApiProperty({ type: ComparedRate, description: 'qualified / leads (4 decimals)' }) qualificationRate!: ComparedRate;
  @ApiProperty({ type: ComparedRate, description: 'contacted / leads (4 decimals)' }) responseRate!: ComparedRate;
  @ApiProperty({ type: ComparedRate, description: 'converted / leads (4 decimals)' }) conversionRate!: ComparedRate;
  @ApiProperty({
    type: ComparedSeconds,
    description:
      "Median whole seconds from a lead's creation to its first completed contact activity, over the leads that have one",
  })
  medianTimeToFirstContact!: ComparedSeconds;
}

export class CampaignBucketOutput {
  @ApiProperty({ format: 'date', maxLength: 10, example: '2026-11-30', description: "The bucket's first local day" })
  bucket!: string;
  @ApiProperty({ ...COUNT, example: 12, description: 'Leads created in the bucket (inside the period)' })
  leads!: number;
  @ApiProperty({ ...COUNT, example: 9, description: 'Of those, contacted' }) contacted!: number;
  @ApiProperty({ ...COUNT, example: 4, description: 'Of those, QUALIFIED or CONVERTED now' }) qualified!: number;
  @ApiProperty({ ...COUNT, example: 1, description: 'Of those, CONVERTED now' }) converted!: number;
}

/** GET /v1/analytics/campaigns/{id} (docs/analytics.md, "Campaign"). */
export class CampaignAnalyticsOutput {
  @ApiProperty({ type: AnalyticsWindowOutput }) window!: AnalyticsWindowOutput;
  @ApiProperty({ type: AnalyticsCampaignOutput }) campaign!: AnalyticsCampaignOutput;
  @ApiProperty({ type: CampaignPeriodFigures }) figures!: CampaignPeriodFigures;
  @ApiProperty({
    type: [CampaignBucketOutput],
    maxItems: MAX_BUCKETS,
    description: 'Per bucket of the period, in order, zeros included',
  })
  series!: CampaignBucketOutput[];
}
