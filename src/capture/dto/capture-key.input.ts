import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { NullableUuidField, OptionalNotNull, RequiredTextField } from '../../common/dto-fields.js';
import { Trim } from '../../common/query-transforms.js';

export const DEFAULT_CAPTURE_RATE_LIMIT = 30;
export const MAX_CAPTURE_RATE_LIMIT = 1000;
export const MAX_ORIGINS = 50;

/**
 * An exact browser origin as the Origin header sends it: https with a lower-case host and an
 * optional port, no path; plain http only for localhost (development).
 */
export const ORIGIN =
  /^(https:\/\/[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|http:\/\/(localhost|127\.0\.0\.1))(:\d{1,5})?$/;

const OriginsField = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      type: [String],
      maxItems: MAX_ORIGINS,
      uniqueItems: true,
      items: { type: 'string', pattern: ORIGIN.source, maxLength: 260 },
      example: ['https://www.bayareahomes.example', 'http://localhost:3000'],
      description:
        'Browser origins whose pages may post with this key (exact `https://host[:port]`; `http://localhost` for development). ' +
        'Empty: server-to-server only (requests without an Origin header).',
    }),
    OptionalNotNull(),
    IsArray(),
    ArrayMaxSize(MAX_ORIGINS),
    ArrayUnique(),
    IsString({ each: true }),
    Length(1, 260, { each: true }),
    Matches(ORIGIN, {
      each: true,
      message: 'each value in $property must be an origin such as https://www.example.com (http only for localhost)',
    }),
  );

const RateLimitField = (): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({
      minimum: 1,
      maximum: MAX_CAPTURE_RATE_LIMIT,
      default: DEFAULT_CAPTURE_RATE_LIMIT,
      example: 30,
      description: 'Requests a minute per client IP address with this key; past it, 429 with Retry-After',
    }),
    OptionalNotNull(),
    IsInt(),
    Min(1),
    Max(MAX_CAPTURE_RATE_LIMIT),
  );

const CampaignField = (): PropertyDecorator =>
  NullableUuidField({
    example: '7b1e3c5a-9d2f-4a6b-8c1e-2f3a4b5c6d7e',
    description: "Leads are attributed to this live campaign unless the form's utm_campaign names another",
  });

export class CreateCaptureKeyInput {
  @RequiredTextField('Website contact form', 100)
  name!: string;

  @OriginsField()
  allowedOrigins?: string[];

  @RateLimitField()
  rateLimitPerMinute?: number;

  @CampaignField()
  campaignId?: string | null;
}

export class UpdateCaptureKeyInput {
  @ApiPropertyOptional({ example: 'Open house sign-in', minLength: 1, maxLength: 100 })
  @OptionalNotNull()
  @Trim()
  @IsString()
  @Length(1, 100)
  name?: string;

  @OriginsField()
  allowedOrigins?: string[];

  @RateLimitField()
  rateLimitPerMinute?: number;

  @ApiPropertyOptional({
    example: false,
    description: 'A disabled key answers 401 CAPTURE_KEY_DISABLED until enabled again',
  })
  @OptionalNotNull()
  @IsBoolean()
  enabled?: boolean;

  @CampaignField()
  @IsOptional()
  campaignId?: string | null;
}
