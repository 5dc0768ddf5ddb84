import { ApiProperty } from '@nestjs/swagger';
import { AnalyticsWindowOutput, COUNT, ComparedCount } from './analytics-common.output.js';

/** A bucket holds at most this many per period: 1,096 days of daily buckets, plus the one a week may start early. */
const MAX_BUCKETS = 1100;

export class ContactTypeCounts {
  @ApiProperty({ ...COUNT, example: 120 }) PROSPECT!: number;
  @ApiProperty({ ...COUNT, example: 45 }) CLIENT!: number;
  @ApiProperty({ ...COUNT, example: 30 }) PAST_CLIENT!: number;
  @ApiProperty({ ...COUNT, example: 8 }) PARTNER!: number;
  @ApiProperty({ ...COUNT, example: 5 }) VENDOR!: number;
}

export class ContactStatusCounts {
  @ApiProperty({ ...COUNT, example: 180 }) ACTIVE!: number;
  @ApiProperty({ ...COUNT, example: 22 }) INACTIVE!: number;
  @ApiProperty({ ...COUNT, example: 6 }) DO_NOT_CONTACT!: number;
}

/** Live contacts by how long ago lastContactAt is, now: each contact in exactly one band. */
export class RecencyBandCounts {
  @ApiProperty({ ...COUNT, example: 40, description: 'Last contacted at most 7 days ago (or later than now)' })
  within7Days!: number;
  @ApiProperty({ ...COUNT, example: 55, description: 'More than 7, at most 30 days ago' }) days8To30!: number;
  @ApiProperty({ ...COUNT, example: 48, description: 'More than 30, at most 90 days ago' }) days31To90!: number;
  @ApiProperty({ ...COUNT, example: 37, description: 'More than 90 days ago' }) over90Days!: number;
  @ApiProperty({ ...COUNT, example: 28, description: 'Never contacted: no lastContactAt' }) never!: number;
}

export class ContactBucketOutput {
  @ApiProperty({ format: 'date', maxLength: 10, example: '2026-11-30', description: "The bucket's first local day" })
  bucket!: string;
  @ApiProperty({ ...COUNT, example: 4, description: 'Live contacts created in the bucket (inside the period)' })
  created!: number;
}

/** Seed 001's customer stats (docs/analytics.md, "Contacts"). */
export class ContactStatsOutput {
  @ApiProperty({ type: AnalyticsWindowOutput }) window!: AnalyticsWindowOutput;
  @ApiProperty({ ...COUNT, example: 208, description: 'Live contacts in scope, now' }) total!: number;
  @ApiProperty({ type: ContactTypeCounts, description: 'Live contacts by type, now; every type, zeros included' })
  byType!: ContactTypeCounts;
  @ApiProperty({ type: ContactStatusCounts, description: 'Live contacts by status, now; every status, zeros included' })
  byStatus!: ContactStatusCounts;
  @ApiProperty({ ...COUNT, example: 31, description: 'Live contacts with at least one live ACTIVE deal, now' })
  withOpenDeals!: number;
  @ApiProperty({ type: RecencyBandCounts, description: 'Live contacts by how long ago they were last contacted, now' })
  lastContacted!: RecencyBandCounts;
  @ApiProperty({ type: ComparedCount, description: 'Live contacts created in the period, beside the previous period' })
  created!: ComparedCount;
  @ApiProperty({
    type: [ContactBucketOutput],
    maxItems: MAX_BUCKETS,
    description: 'Contacts created per bucket of the period, in order, zeros included',
  })
  series!: ContactBucketOutput[];
}
