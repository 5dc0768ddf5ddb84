import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsEnum, IsInt, IsOptional, Max, MaxDate, Min } from 'class-validator';
import { FreeTextField, NullableUuidField, RequiredTextField } from '../../common/dto-fields.js';
import { ActivityType } from '../../generated/prisma/enums.js';
import { IsInstant } from '../../common/dates.js';

const UUID_EXAMPLE = '3f6c1b9e-2d4a-4e8f-9b1c-5a7d2e3f4a6b';
const MAX_OUTCOME = 2000;
// A little clock skew between client and server is not "the future".
const SKEW_MS = 60_000;
const notInFuture = () => new Date(Date.now() + SKEW_MS);

export class CreateActivityInput {
  @ApiProperty({ enum: ActivityType, enumName: 'ActivityType', example: 'CALL' })
  @IsEnum(ActivityType)
  type!: ActivityType;

  @RequiredTextField('Intro call about the Noe Valley listing')
  title!: string;

  @FreeTextField('Discussed budget and timing', 10_000)
  description?: string | null;

  @FreeTextField('Wants a showing next week', MAX_OUTCOME)
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

  @NullableUuidField({
    example: '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d',
    description: 'An ADMIN, MANAGER or AGENT of the organization; defaults to the caller, null for nobody',
  })
  assignedToId?: string | null;

  @NullableUuidField({ example: UUID_EXAMPLE })
  leadId?: string | null;

  @NullableUuidField({ example: UUID_EXAMPLE })
  contactId?: string | null;

  @NullableUuidField({ example: UUID_EXAMPLE })
  dealId?: string | null;

  @NullableUuidField({ example: UUID_EXAMPLE })
  listingId?: string | null;
}

/** Only the fields sent change; at least one of leadId, contactId, dealId, listingId must remain. */
export class UpdateActivityInput extends PartialType(CreateActivityInput) {}

export class CompleteActivityInput {
  @FreeTextField('Left a voicemail', MAX_OUTCOME)
  outcome?: string | null;
}
