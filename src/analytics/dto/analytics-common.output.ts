import { ApiProperty } from '@nestjs/swagger';
import { INTERVALS, type Interval, PERIODS, type Period } from '../analytics-window.js';

const INT32 = { type: 'integer', format: 'int32' } as const;
export const COUNT = { ...INT32, minimum: 0, maximum: 2 ** 31 - 1 } as const;
const COUNT_DELTA = { ...INT32, minimum: -(2 ** 31), maximum: 2 ** 31 - 1 } as const;
export const RATE = { type: Number, minimum: 0, maximum: 1, nullable: true } as const;
export const SECONDS = { type: Number, minimum: 0, maximum: 1e12, nullable: true } as const;
export const MONEY = { type: String, maxLength: 20, pattern: '^-?\\d+\\.\\d{2}$' } as const;

/** The period a response covers, resolved in the organization's time zone. */
export class AnalyticsWindowOutput {
  @ApiProperty({ maxLength: 64, example: 'America/New_York', description: "The organization's IANA time zone" })
  timeZone!: string;
  @ApiProperty({ enum: [...PERIODS, 'custom'], example: '90d' }) period!: Period | 'custom';
  @ApiProperty({ enum: INTERVALS, example: 'week' }) interval!: Interval;
  @ApiProperty({ format: 'date-time', example: '2026-09-08T04:00:00.000Z', description: 'Start (included)' })
  from!: string;
  @ApiProperty({
    format: 'date-time',
    example: '2026-12-07T05:00:00.000Z',
    description: 'End (excluded): local midnight after the last day',
  })
  to!: string;
  @ApiProperty({ format: 'date-time', example: '2026-06-10T04:00:00.000Z', description: "The previous period's start" })
  previousFrom!: string;
  @ApiProperty({
    format: 'date-time',
    example: '2026-09-08T04:00:00.000Z',
    description: "The previous period's end (excluded)",
  })
  previousTo!: string;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    example: null,
    description:
      'Whose figures: the member the figures are narrowed to (always yourself as an AGENT), or null for all you may see',
  })
  agentId!: string | null;
}

export class ComparedCount {
  @ApiProperty({ ...COUNT, example: 42, description: 'This period' }) value!: number;
  @ApiProperty({ ...COUNT, example: 35, description: 'The previous period' }) previous!: number;
  @ApiProperty({ ...COUNT_DELTA, example: 7, description: 'value − previous' }) delta!: number;
}

export class ComparedRate {
  @ApiProperty({ ...RATE, example: 0.12, description: 'This period; null when there is nothing to divide by' })
  value!: number | null;
  @ApiProperty({ ...RATE, example: 0.1, description: 'The previous period' }) previous!: number | null;
  @ApiProperty({
    type: Number,
    minimum: -1,
    maximum: 1,
    nullable: true,
    example: 0.02,
    description: 'value − previous',
  })
  delta!: number | null;
}

export class ComparedSeconds {
  @ApiProperty({ ...SECONDS, example: 540, description: 'This period, in seconds; null when nothing was measured' })
  value!: number | null;
  @ApiProperty({ ...SECONDS, example: 900, description: 'The previous period' }) previous!: number | null;
  @ApiProperty({
    type: Number,
    minimum: -1e12,
    maximum: 1e12,
    nullable: true,
    example: -360,
    description: 'value − previous',
  })
  delta!: number | null;
}

export class ComparedMoney {
  @ApiProperty({ ...MONEY, example: '1250000.00', description: 'This period' }) value!: string;
  @ApiProperty({ ...MONEY, example: '980000.00', description: 'The previous period' }) previous!: string;
  @ApiProperty({ ...MONEY, example: '270000.00', description: 'value − previous' }) delta!: string;
}
