import { ApiProperty } from '@nestjs/swagger';
import { RANKING_METRICS, type RankingMetric } from '../campaign-performance.repository.js';

const COUNT = { type: 'integer', format: 'int32', minimum: 0, maximum: 2 ** 31 - 1 } as const;
const RATE = { type: Number, minimum: 0, maximum: 1, nullable: true } as const;
const MONEY = { maxLength: 13, nullable: true, type: String } as const;

/** A campaign's figures over the leads the caller may see (docs/campaigns.md, "Performance"). */
export class CampaignPerformanceOutput {
  @ApiProperty({ format: 'uuid', example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' }) campaignId!: string;
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Spring open house weekend' }) name!: string;
  @ApiProperty({ ...COUNT, example: 40, description: 'Live leads of the campaign you may see' }) leads!: number;
  @ApiProperty({
    ...COUNT,
    example: 30,
    description: 'Leads no longer NEW_LEAD, or with a completed CALL, EMAIL, MEETING or SHOWING',
  })
  contacted!: number;
  @ApiProperty({ ...COUNT, example: 12, description: 'Leads QUALIFIED or CONVERTED' }) qualified!: number;
  @ApiProperty({ ...COUNT, example: 4, description: 'Leads CONVERTED' }) converted!: number;
  @ApiProperty({ ...COUNT, example: 6, description: 'Leads LOST' }) lost!: number;
  @ApiProperty({ ...RATE, example: 0.3, description: 'qualified / leads (4 decimals); null without leads' })
  qualificationRate!: number | null;
  @ApiProperty({ ...RATE, example: 0.75, description: 'contacted / leads (4 decimals); null without leads' })
  responseRate!: number | null;
  @ApiProperty({ ...RATE, example: 0.1, description: 'converted / leads (4 decimals); null without leads' })
  conversionRate!: number | null;
  @ApiProperty({
    type: Number,
    minimum: 0,
    nullable: true,
    example: 5400,
    description:
      "Median seconds from a lead's creation to its first completed CALL, EMAIL, MEETING or SHOWING, over the leads that have one (whole seconds); null when none has",
  })
  medianTimeToFirstContact!: number | null;
  @ApiProperty({ ...MONEY, example: '2500.00', description: "The campaign's budget" }) budget!: string | null;
  @ApiProperty({ ...MONEY, example: '62.50', description: 'budget / leads; null without a budget or leads' })
  costPerLead!: string | null;
  @ApiProperty({ ...MONEY, example: '625.00', description: 'budget / converted; null without a budget or conversions' })
  costPerConversion!: string | null;
}

export class TopCampaignsOutput {
  @ApiProperty({ enum: RANKING_METRICS, example: 'conversion_rate', description: 'What the campaigns are ranked by' })
  metric!: RankingMetric;
  @ApiProperty({
    type: [CampaignPerformanceOutput],
    maxItems: 50,
    description: 'Best first; ties by leads, most first',
  })
  data!: CampaignPerformanceOutput[];
}
