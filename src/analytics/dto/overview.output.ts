import { ApiProperty } from '@nestjs/swagger';
import { DealStage, ListingStatus } from '../../generated/prisma/enums.js';
import {
  AnalyticsWindowOutput,
  COUNT,
  ComparedCount,
  ComparedMoney,
  ComparedRate,
  ComparedSeconds,
  MONEY,
} from './analytics-common.output.js';

/** A custom period of MAX_CUSTOM_DAYS daily buckets, and one more for a bucket starting before it. */
const MAX_BUCKETS = 1100;
const DAYS = { type: Number, minimum: 0, maximum: 1e6, nullable: true } as const;

export class ComparedDays {
  @ApiProperty({
    ...DAYS,
    example: 38.5,
    description: 'This period, in days (1 decimal); null when nothing was measured',
  })
  value!: number | null;
  @ApiProperty({ ...DAYS, example: 41, description: 'The previous period' }) previous!: number | null;
  @ApiProperty({
    type: Number,
    minimum: -1e6,
    maximum: 1e6,
    nullable: true,
    example: -2.5,
    description: 'value − previous',
  })
  delta!: number | null;
}

/** The lead cohort of one bucket: leads created in it, and where they are now. */
export class OverviewLeadBucket {
  @ApiProperty({ format: 'date', maxLength: 10, example: '2026-11-30', description: "The bucket's first local day" })
  bucket!: string;
  @ApiProperty({ ...COUNT, example: 58, description: 'Live leads created in the bucket' }) created!: number;
  @ApiProperty({ ...COUNT, example: 41, description: 'Of them: no longer NEW_LEAD, or answered' }) contacted!: number;
  @ApiProperty({ ...COUNT, example: 12, description: 'Of them: QUALIFIED or CONVERTED' }) qualified!: number;
  @ApiProperty({ ...COUNT, example: 3, description: 'Of them: CONVERTED' }) converted!: number;
  @ApiProperty({ ...COUNT, example: 7, description: 'Of them: LOST' }) lost!: number;
}

export class OverviewLeadTotals {
  @ApiProperty({ type: ComparedCount, description: 'Live leads created in the period' }) created!: ComparedCount;
  @ApiProperty({ type: ComparedCount, description: 'Of them: no longer NEW_LEAD, or answered' })
  contacted!: ComparedCount;
  @ApiProperty({ type: ComparedCount, description: 'Of them: QUALIFIED or CONVERTED' }) qualified!: ComparedCount;
  @ApiProperty({ type: ComparedCount, description: 'Of them: CONVERTED' }) converted!: ComparedCount;
  @ApiProperty({ type: ComparedCount, description: 'Of them: LOST' }) lost!: ComparedCount;
  @ApiProperty({ type: ComparedRate, description: 'converted / created (4 decimals)' }) conversionRate!: ComparedRate;
}

export class OverviewLeads {
  @ApiProperty({ type: OverviewLeadTotals }) totals!: OverviewLeadTotals;
  @ApiProperty({
    type: [OverviewLeadBucket],
    maxItems: MAX_BUCKETS,
    description: "The period's buckets in order, with zeros where no lead was created",
  })
  buckets!: OverviewLeadBucket[];
}

export class OverviewSpeedToLead {
  @ApiProperty({ type: ComparedCount, description: 'Leads created in the period that have been answered' })
  answered!: ComparedCount;
  @ApiProperty({ type: ComparedSeconds, description: 'Median seconds from creation to first response (whole seconds)' })
  medianSeconds!: ComparedSeconds;
  @ApiProperty({ type: ComparedSeconds, description: '90th percentile of the same (whole seconds)' })
  p90Seconds!: ComparedSeconds;
  @ApiProperty({
    type: ComparedRate,
    description:
      'Answered within 5 minutes / leads that waited for an answer (answered, or still NEW_LEAD after 5 minutes)',
  })
  withinFiveMinutes!: ComparedRate;
}

export class OverviewPipelineStage {
  @ApiProperty({ enum: DealStage, enumName: 'DealStage', example: DealStage.PROPOSAL, description: 'An open stage' })
  stage!: DealStage;
  @ApiProperty({ ...COUNT, example: 14, description: 'Open deals in the stage' }) deals!: number;
  @ApiProperty({ ...MONEY, example: '5250000.00', description: 'Their value' }) value!: string;
  @ApiProperty({ ...MONEY, example: '2625000.00', description: 'Their value × probability / 100' })
  weightedValue!: string;
}

/** Open deals now: not compared with a previous period. */
export class OverviewPipeline {
  @ApiProperty({ ...COUNT, example: 52, description: 'Live deals with status ACTIVE' }) openDeals!: number;
  @ApiProperty({ ...MONEY, example: '18400000.00', description: 'Their value' }) value!: string;
  @ApiProperty({ ...MONEY, example: '7900000.00', description: 'Their value × probability / 100' })
  weightedValue!: string;
  @ApiProperty({
    type: [OverviewPipelineStage],
    maxItems: 5,
    description: 'Every open stage in pipeline order, zeros included',
  })
  byStage!: OverviewPipelineStage[];
}

export class OverviewDealsWon {
  @ApiProperty({ type: ComparedCount, description: 'Live deals CLOSED_WON with their close date in the period' })
  count!: ComparedCount;
  @ApiProperty({ type: ComparedMoney, description: 'Their value' }) value!: ComparedMoney;
  @ApiProperty({ type: ComparedDays, description: 'Average days from creation to close date' })
  averageDaysToClose!: ComparedDays;
}

export class OverviewListingStatus {
  @ApiProperty({ enum: ListingStatus, enumName: 'ListingStatus', example: ListingStatus.ACTIVE })
  status!: ListingStatus;
  @ApiProperty({ ...COUNT, example: 31, description: 'Live listings in this status now' }) listings!: number;
}

export class OverviewListings {
  @ApiProperty({ type: [OverviewListingStatus], maxItems: 6, description: 'Every status, zeros included (now)' })
  byStatus!: OverviewListingStatus[];
  @ApiProperty({ type: ComparedCount, description: 'Live listings listed in the period' }) newListings!: ComparedCount;
  @ApiProperty({
    ...DAYS,
    example: 27,
    description: 'Median days on market of the listings ACTIVE, PENDING or CONTINGENT now; null when there are none',
  })
  medianDaysOnMarket!: number | null;
  @ApiProperty({ type: ComparedCount, description: 'Price changes of live listings in the period' })
  priceChanges!: ComparedCount;
}

export class OverviewAppointments {
  @ApiProperty({ type: ComparedCount, description: 'Appointments starting in the period, COMPLETED' })
  held!: ComparedCount;
  @ApiProperty({ type: ComparedCount, description: 'Appointments starting in the period, NO_SHOW' })
  noShows!: ComparedCount;
}

export class OverviewTickets {
  @ApiProperty({ type: ComparedCount, description: 'Tickets created in the period' }) opened!: ComparedCount;
  @ApiProperty({ type: ComparedCount, description: 'Tickets resolved in the period' }) resolved!: ComparedCount;
  @ApiProperty({
    type: ComparedSeconds,
    description: 'Median seconds from creation to resolution of the tickets resolved in the period (whole seconds)',
  })
  medianResolutionSeconds!: ComparedSeconds;
  @ApiProperty({ ...COUNT, example: 2, description: 'Open tickets past their due time now' }) openOverdue!: number;
}

/** GET /v1/analytics/overview: docs/analytics.md, "Overview", defines every figure. */
export class OverviewOutput {
  @ApiProperty({ type: AnalyticsWindowOutput }) window!: AnalyticsWindowOutput;
  @ApiProperty({ type: OverviewLeads }) leads!: OverviewLeads;
  @ApiProperty({ type: OverviewSpeedToLead }) speedToLead!: OverviewSpeedToLead;
  @ApiProperty({ type: OverviewPipeline }) pipeline!: OverviewPipeline;
  @ApiProperty({ type: OverviewDealsWon }) dealsWon!: OverviewDealsWon;
  @ApiProperty({ type: OverviewListings }) listings!: OverviewListings;
  @ApiProperty({ type: OverviewAppointments }) appointments!: OverviewAppointments;
  @ApiProperty({ type: OverviewTickets }) tickets!: OverviewTickets;
}
