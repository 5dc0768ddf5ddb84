import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsEnum, IsInt, IsOptional, IsString, IsUUID, Length, Max, MaxDate, MaxLength, Min } from 'class-validator';
import { Trim } from '../../common/query-transforms.js';
import { ActivityType } from '../../generated/prisma/enums.js';
import { IsInstant } from '../../common/dates.js';

const UUID_EXAMPLE = '3f6c1b9e-2d4a-4e8f-9b1c-5a7d2e3f4a6b';
// A little clock skew between client and server is not "the future".
const SKEW_MS = 60_000;
const notInFuture = () => new Date(Date.now() + SKEW_MS);

export class CreateActivityInput {
  @ApiProperty({ enum: ActivityType, enumName: 'ActivityType', example: 'CALL' })
  @IsEnum(ActivityType)
  type!: ActivityType;

  @ApiProperty({ example: 'Intro call about the Noe Valley listing', minLength: 1, maxLength: 200 })
  @Trim()
  @IsString()
  @Length(1, 200)
  title!: string;

  @ApiPropertyOptional({ example: 'Discussed budget and timing', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  description?: string | null;

  @ApiPropertyOptional({ example: 'Wants a showing next week', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  outcome?: string | null;

  @ApiPropertyOptional({ example: 15, minimum: 0, maximum: 1440, nullable: true, type: Number })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1440)
  durationMinutes?: number | null;

  @ApiPropertyOptional({ example: '2026-11-25T17:00:00.000Z', format: 'date-time', nullable: true, type: String })
  @IsOptional()
  @IsInstant()
  dueDate?: Date | null;

  @ApiPropertyOptional({
    example: '2026-11-23T15:30:00.000Z',
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'Set when logging something already done (not in the future)',
  })
  @IsOptional()
  @IsInstant()
  @MaxDate(notInFuture, { message: 'completedAt must not be in the future' })
  completedAt?: Date | null;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    example: '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d',
    description: 'An ADMIN, MANAGER or AGENT of the organization; defaults to the caller, null for nobody',
  })
  @IsOptional()
  @IsUUID()
  assignedToId?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String, example: UUID_EXAMPLE })
  @IsOptional()
  @IsUUID()
  leadId?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String, example: UUID_EXAMPLE })
  @IsOptional()
  @IsUUID()
  contactId?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String, example: UUID_EXAMPLE })
  @IsOptional()
  @IsUUID()
  dealId?: string | null;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String, example: UUID_EXAMPLE })
  @IsOptional()
  @IsUUID()
  listingId?: string | null;
}

/** Only the fields sent change; at least one of leadId, contactId, dealId, listingId must remain. */
export class UpdateActivityInput extends PartialType(CreateActivityInput) {}

export class CompleteActivityInput {
  @ApiPropertyOptional({ example: 'Left a voicemail', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  outcome?: string | null;
}
