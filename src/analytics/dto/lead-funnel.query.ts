import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { FUNNEL_GROUPINGS, type FunnelGrouping } from '../lead-funnel.repository.js';
import { AnalyticsQuery } from './analytics.query.js';

/** The window and whose figures, plus what the leads are grouped by. */
export class LeadFunnelQuery extends AnalyticsQuery {
  @ApiPropertyOptional({
    enum: FUNNEL_GROUPINGS,
    description:
      'What the leads are grouped by: their source, campaign, assignee or score band (HOT, WARM, COLD). Default: source.',
  })
  @IsOptional()
  @IsIn(FUNNEL_GROUPINGS)
  groupBy: FunnelGrouping = 'source';
}
