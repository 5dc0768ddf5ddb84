import { ApiProperty } from '@nestjs/swagger';

export const TIMELINE_ITEM_TYPES = [
  'activity',
  'appointment',
  'stage_change',
  'price_change',
  'status_change',
] as const;
export type TimelineItemType = (typeof TIMELINE_ITEM_TYPES)[number];

export class TimelineActor {
  @ApiProperty({ format: 'uuid', example: '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d' }) id!: string;
  @ApiProperty({
    example: 'Dana Broker',
    nullable: true,
    type: String,
    description: 'Full name, else email; null once the person is no longer a member',
  })
  name!: string | null;
}

export class TimelineItem {
  @ApiProperty({ enum: TIMELINE_ITEM_TYPES, example: 'activity' }) type!: TimelineItemType;
  @ApiProperty({
    example: '2026-11-23T16:00:00.000Z',
    description:
      'activity: completedAt, else createdAt; appointment: startsAt; stage/price/status change: when it changed',
  })
  occurredAt!: string;
  @ApiProperty({ type: TimelineActor, nullable: true }) actor!: TimelineActor | null;
  @ApiProperty({ example: 'Call: Intro call about the Noe Valley listing' }) summary!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { id: '7a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d', type: 'CALL', title: 'Intro call', completedAt: null },
    description:
      'By type — activity: id, type, title, outcome, dueDate, completedAt, assignedToId; appointment: id, type, ' +
      'status, title, startsAt, endsAt, location, agentId; stage_change: id, fromStage, toStage; price_change: id, ' +
      'oldPrice, newPrice; status_change: id, fromStatus, toStatus',
  })
  data!: Record<string, unknown>;
}

export class TimelinePage {
  @ApiProperty({ type: [TimelineItem] }) data!: TimelineItem[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as cursor for the next page; null at the end' })
  nextCursor!: string | null;
}
