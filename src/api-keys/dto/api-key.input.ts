import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
} from 'class-validator';
import { IsInstant } from '../../common/dates.js';
import { EnumField, OptionalNotNull, RequiredTextField } from '../../common/dto-fields.js';
import { Trim } from '../../common/query-transforms.js';
import { MemberRole } from '../../generated/prisma/enums.js';
import { API_KEY_SCOPES } from '../scopes.js';

/** A rotation keeps the old secret working for at most a day. */
export const MAX_GRACE_SECONDS = 24 * 60 * 60;

const ScopesField = (required: boolean): PropertyDecorator =>
  applyDecorators(
    (required ? ApiProperty : ApiPropertyOptional)({
      type: [String],
      enum: API_KEY_SCOPES,
      minItems: 1,
      maxItems: API_KEY_SCOPES.length,
      uniqueItems: true,
      example: ['leads:read', 'leads:write', 'contacts:read'],
      description: '`<resource>:read` / `<resource>:write`, or `*:read` for every read',
    }),
    ...(required ? [] : [OptionalNotNull()]),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(API_KEY_SCOPES.length),
    ArrayUnique(),
    IsIn(API_KEY_SCOPES, {
      each: true,
      message: `each value in $property must be one of ${API_KEY_SCOPES.join(', ')}`,
    }),
  );

export class CreateApiKeyInput {
  @RequiredTextField('Website lead forms', 100)
  name!: string;

  @ScopesField(true)
  scopes!: string[];

  @EnumField(
    MemberRole,
    'MemberRole',
    'AGENT',
    'The role the key acts with, at most yours; defaults to yours. RLS applies to the key as to a member with this role (an AGENT key sees what its creator would see as an AGENT).',
  )
  role?: MemberRole;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    example: '2027-12-31T23:59:59Z',
    description: 'When the key stops working; never, if left out',
  })
  @IsOptional()
  @IsInstant()
  expiresAt?: Date;
}

export class UpdateApiKeyInput {
  @ApiPropertyOptional({ example: 'Zillow feed', minLength: 1, maxLength: 100 })
  @OptionalNotNull()
  @Trim()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ScopesField(false)
  scopes?: string[];
}

export class RotateApiKeyInput {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_GRACE_SECONDS,
    default: 0,
    example: 3600,
    description: 'How long the current secret keeps working beside the new one, in seconds (≤ 24 h)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_GRACE_SECONDS)
  gracePeriodSeconds?: number;
}
