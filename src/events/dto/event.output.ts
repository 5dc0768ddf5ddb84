import { ApiProperty } from '@nestjs/swagger';
import { LinkIdProperty } from '../../common/output-fields.js';
import { EVENT_TYPES } from '../event-types.js';
import { EVENTS_MAX_LIMIT } from './events.query.js';

const SEQ = {
  type: String,
  pattern: '^[0-9]+$',
  maxLength: 19,
  example: '1042',
} as const;

export class EventActor {
  @LinkIdProperty(
    '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d',
    "The member who made the change (an API key's creator when a key made it); null for a change made " +
      "outside a member's request (a customer's share link, a job, SQL)",
  )
  userId!: string | null;

  @LinkIdProperty(null, 'The API key that made the change; null when a member made it themselves')
  apiKeyId!: string | null;
}

export class EventData {
  @ApiProperty({
    enum: [
      'lead',
      'contact',
      'deal',
      'listing',
      'activity',
      'appointment',
      'ticket',
      'notification',
      'member',
      'import',
    ],
    example: 'lead',
    description: 'The kind of record',
  })
  entity!: string;

  @ApiProperty({
    format: 'uuid',
    example: '3f6c1b9e-2d4a-4e8f-9b1c-5a7d2e3f4a6b',
    description: "The record's id (a member's: their user id)",
  })
  id!: string;

  @ApiProperty({
    type: String,
    isArray: true,
    maxItems: 100,
    items: { type: 'string', maxLength: 64 },
    example: ['assignedToId', 'status'],
    description:
      'On an update, the names of the fields that changed (never their values: read the record, under your own ' +
      'access, for those); empty otherwise',
  })
  fields!: string[];

  @ApiProperty({
    format: 'uuid',
    required: false,
    description: 'ticket.comment_added: the comment',
  })
  commentId?: string;

  @ApiProperty({
    format: 'uuid',
    required: false,
    description: 'ticket.assigned: the member assigned',
  })
  userId?: string;

  @ApiProperty({
    required: false,
    maxLength: 20,
    pattern: '^\\d+$',
    example: '1042',
    description: "import.log: the line's seq in GET /v1/imports/{id}/logs",
  })
  logSeq?: string;

  @ApiProperty({
    required: false,
    enum: ['debug', 'info', 'warning', 'error'],
    description: "import.log: the line's level",
  })
  level?: string;

  @ApiProperty({
    required: false,
    maxLength: 2000,
    example: 'Rows 2–11: 10 created, 0 updated, 0 skipped, 0 failed',
    description: 'import.log: the line',
  })
  message?: string;
}

export class EventOutput {
  @ApiProperty({
    ...SEQ,
    description:
      "The event's place in its organization's history: gapless and in commit order, so everything up to an id " +
      'you have seen has been sent to you. A decimal string (it may exceed 2^53).',
  })
  id!: string;

  @ApiProperty({ enum: EVENT_TYPES, enumName: 'EventType', example: 'lead.assigned' })
  type!: string;

  @ApiProperty({ format: 'date-time', example: '2026-12-06T09:30:00.000Z', description: 'When the change committed' })
  occurredAt!: string;

  @ApiProperty({ type: EventData }) data!: EventData;

  @ApiProperty({ type: EventActor }) actor!: EventActor;

  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 128,
    example: '5f0c6a2e-8d1b-4c3a-9e7f-2b1a0c9d8e7f',
    description: 'The X-Request-Id of the request that made the change; null outside the API',
  })
  requestId!: string | null;
}

export class EventPage {
  @ApiProperty({ type: [EventOutput], maxItems: EVENTS_MAX_LIMIT, description: 'Oldest first' })
  data!: EventOutput[];

  @ApiProperty({
    ...SEQ,
    description:
      'Pass as `after` for the next page. Past the events you may not see too, so it can be ahead of the last ' +
      "item's id; when data is empty, poll again later with it.",
  })
  nextAfter!: string;
}

export class StreamTokenOutput {
  @ApiProperty({
    maxLength: 47,
    example: 'est_q3Zr0m1Xb2c4d5e6f7g8h9i0j1k2l3m4n5o6p7q8r9s',
    description: 'Single use, valid for 60 seconds: open the stream with `?token=` before then',
  })
  token!: string;

  @ApiProperty({ format: 'date-time', example: '2026-12-06T09:31:00.000Z' })
  expiresAt!: string;

  @ApiProperty({
    maxLength: 100,
    example: '/v1/events/stream?token=est_q3Zr0m1Xb2c4d5e6f7g8h9i0j1k2l3m4n5o6p7q8r9s',
    description: 'The stream URL with the token, for `new EventSource(url)`',
  })
  url!: string;
}
