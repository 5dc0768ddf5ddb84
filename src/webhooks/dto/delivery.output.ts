import { ApiProperty } from '@nestjs/swagger';
import { IdProperty, InstantProperty, NullableInstantProperty } from '../../common/output-fields.js';

export const DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

const INT = { type: 'integer', format: 'int32', minimum: 0, maximum: 2 ** 31 - 1 } as const;
const STATUS_CODE = { type: 'integer', format: 'int32', minimum: 100, maximum: 599, nullable: true } as const;

export class WebhookAttemptOutput {
  @ApiProperty({ ...INT, minimum: 1, example: 1 }) attempt!: number;
  @InstantProperty('2026-12-06T09:30:00.000Z') startedAt!: string;
  @ApiProperty({ ...INT, example: 142 }) durationMs!: number;
  @ApiProperty({ ...STATUS_CODE, example: 500, description: "The endpoint's HTTP status; null without a response" })
  statusCode!: number | null;
  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 500,
    example: null,
    description: 'Why there was no response: a refused target, a timeout, a network error',
  })
  error!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 1024,
    example: 'Internal Server Error',
    description: 'The first KiB of the response body',
  })
  responseBody!: string | null;
}

export class WebhookDeliveryOutput {
  @IdProperty('3a4b5c6d-7e8f-4a0b-9c1d-2e3f4a5b6c7d') id!: string;
  @ApiProperty({ format: 'uuid', example: '7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f' }) webhookId!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    pattern: '^[0-9]{1,18}$',
    maxLength: 18,
    example: '1042',
    description: 'The outbox event (the id GET /v1/events and the stream show); null for a test ping',
  })
  eventId!: string | null;
  @ApiProperty({ maxLength: 100, example: 'lead.created' }) eventType!: string;
  @ApiProperty({
    enum: DELIVERY_STATUSES,
    enumName: 'WebhookDeliveryStatus',
    example: 'DELIVERED',
    description: 'PENDING: an attempt is due at nextAttemptAt; DELIVERED: the endpoint answered 2xx; FAILED: given up',
  })
  status!: DeliveryStatus;
  @ApiProperty({ ...INT, example: 2, description: 'Attempts made so far' }) attempts!: number;
  @NullableInstantProperty('2026-12-06T09:35:00.000Z', 'When the next attempt is due (PENDING only)')
  nextAttemptAt!: string | null;
  @ApiProperty({ ...STATUS_CODE, example: 200, description: "The last attempt's HTTP status" })
  responseStatusCode!: number | null;
  @ApiProperty({ ...INT, nullable: true, example: 87, description: "The last attempt's duration" })
  durationMs!: number | null;
  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 1024,
    example: 'ok',
    description: "The first KiB of the last attempt's response body",
  })
  responseBody!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 500, example: null, description: "The last attempt's error" })
  error!: string | null;
  @NullableInstantProperty('2026-12-06T09:35:00.200Z') deliveredAt!: string | null;
  @InstantProperty() createdAt!: string;
  @ApiProperty({
    type: [WebhookAttemptOutput],
    maxItems: 100,
    description: 'Every attempt, oldest first',
  })
  attemptLog!: WebhookAttemptOutput[];
}
