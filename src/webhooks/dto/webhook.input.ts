import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { OptionalNotNull } from '../../common/dto-fields.js';
import { Trim } from '../../common/query-transforms.js';
import { WEBHOOK_EVENT_PATTERNS } from '../webhook-events.js';

/** A rotation keeps the old secret signing for at most a day. */
export const MAX_GRACE_SECONDS = 24 * 60 * 60;
export const MAX_EVENTS = 100;

const UrlField = (required: boolean): PropertyDecorator =>
  applyDecorators(
    (required ? ApiProperty : ApiPropertyOptional)({
      example: 'https://hooks.example.com/crm',
      minLength: 10,
      maxLength: 2048,
      description:
        'Where deliveries are POSTed: https, on a public address (docs/webhooks.md, "SSRF rules"); checked again on every delivery against what the name resolves to',
    }),
    ...(required ? [] : [OptionalNotNull()]),
    Trim(),
    IsString(),
    MaxLength(2048),
  );

const EventsField = (required: boolean): PropertyDecorator =>
  applyDecorators(
    (required ? ApiProperty : ApiPropertyOptional)({
      type: [String],
      enum: WEBHOOK_EVENT_PATTERNS,
      minItems: 1,
      maxItems: MAX_EVENTS,
      uniqueItems: true,
      example: ['lead.created', 'lead.assigned', 'deal.*'],
      description:
        'Event types, `<entity>.*` for all of an entity, or `*` for everything (docs/webhooks.md lists them)',
    }),
    ...(required ? [] : [OptionalNotNull()]),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(MAX_EVENTS),
    ArrayUnique(),
    IsIn(WEBHOOK_EVENT_PATTERNS, {
      each: true,
      message: 'each value in $property must be an event type, `<entity>.*` or `*` (see docs/webhooks.md)',
    }),
  );

export class CreateWebhookInput {
  @UrlField(true)
  url!: string;

  @EventsField(true)
  events!: string[];

  @ApiPropertyOptional({ example: 'Website: new leads', maxLength: 500, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({ default: true, example: true, description: 'A disabled webhook receives nothing' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class UpdateWebhookInput {
  @UrlField(false)
  url?: string;

  @EventsField(false)
  events?: string[];

  @ApiPropertyOptional({ example: 'Website: new leads', maxLength: 500, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({
    example: true,
    description:
      'Enabling (again) resets the failure count; events that happened while it was disabled are not delivered',
  })
  @OptionalNotNull()
  @IsBoolean()
  enabled?: boolean;
}

export class RotateWebhookSecretInput {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_GRACE_SECONDS,
    default: 0,
    example: 3600,
    description:
      'How long the current secret keeps signing beside the new one, in seconds (≤ 24 h): deliveries carry both signatures meanwhile',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_GRACE_SECONDS)
  gracePeriodSeconds?: number;
}
