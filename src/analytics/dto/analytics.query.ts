import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsCalendarDate } from '../../common/dates.js';
import { UuidFilter } from '../../common/query-filters.js';
import { INTERVALS, type Interval, MAX_CUSTOM_DAYS, PERIODS, type Period } from '../analytics-window.js';

/** The period, its buckets and whose figures: the query every analytics route takes. */
export class AnalyticsQuery {
  @ApiPropertyOptional({
    enum: PERIODS,
    description:
      'A period ending today in the organization’s time zone: the last 7, 30 or 90 days or year (today included), or ' +
      'month, quarter or year to date. Default: 30d. Ignored when from/to are given.',
  })
  @IsOptional()
  @IsIn(PERIODS)
  period?: Period;

  @ApiPropertyOptional({
    type: String,
    format: 'date',
    description: `First day of a custom period, e.g. 2026-09-01 (local date, with to; at most ${MAX_CUSTOM_DAYS} days)`,
  })
  @IsOptional()
  @IsCalendarDate()
  from?: Date;

  @ApiPropertyOptional({
    type: String,
    format: 'date',
    description: 'Last day of a custom period, included, e.g. 2026-11-30 (local date, with from)',
  })
  @IsOptional()
  @IsCalendarDate()
  to?: Date;

  @ApiPropertyOptional({
    enum: INTERVALS,
    description:
      'Bucket size (weeks start on Monday). Default: day for 7d, 30d and mtd; week for 90d, qtd and custom; month for 1y and ytd.',
  })
  @IsOptional()
  @IsIn(INTERVALS)
  interval?: Interval;

  @UuidFilter(
    'Only the figures of records assigned to this member (MANAGER, ADMIN, VIEWER). An AGENT always gets their own; another member’s id is 403.',
  )
  agentId?: string;
}
