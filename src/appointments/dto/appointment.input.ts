import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsOptional, IsUUID } from 'class-validator';
import { EnumField, NotesField, NullableUuidField, RequiredTextField, TextField } from '../../common/dto-fields.js';
import { AppointmentType } from '../../generated/prisma/enums.js';
import { IsInstant } from '../../common/dates.js';

/** Contacts one appointment may invite. */
export const MAX_ATTENDEES = 50;

const UUID_EXAMPLE = '3f6c1b9e-2d4a-4e8f-9b1c-5a7d2e3f4a6b';

/** Statuses a client sets directly; COMPLETED and CANCELLED have their own actions. */
export const SETTABLE_STATUSES = ['SCHEDULED', 'CONFIRMED', 'NO_SHOW'] as const;
export type SettableStatus = (typeof SETTABLE_STATUSES)[number];

export class CreateAppointmentInput {
  @RequiredTextField('Showing: 12 Oak St')
  title!: string;

  @EnumField(AppointmentType, 'AppointmentType', 'SHOWING', 'Default: MEETING.')
  type?: AppointmentType;

  @ApiPropertyOptional({
    enum: ['SCHEDULED', 'CONFIRMED'],
    example: 'CONFIRMED',
    description: 'A new appointment is SCHEDULED or already CONFIRMED. Default: SCHEDULED.',
  })
  @IsOptional()
  @IsIn(['SCHEDULED', 'CONFIRMED'])
  status?: 'SCHEDULED' | 'CONFIRMED';

  @ApiProperty({ example: '2026-11-25T17:00:00.000Z', format: 'date-time', type: String })
  @IsInstant()
  startsAt!: Date;

  @ApiProperty({
    example: '2026-11-25T18:00:00.000Z',
    format: 'date-time',
    type: String,
    description: 'After startsAt, at most 24 hours later; the slot is [startsAt, endsAt)',
  })
  @IsInstant()
  endsAt!: Date;

  @TextField('12 Oak St, San Francisco', 500)
  location?: string | null;

  @NotesField('Bring the disclosure packet')
  notes?: string | null;

  @ApiPropertyOptional({
    format: 'uuid',
    type: String,
    example: '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d',
    description:
      'The member whose calendar holds it (ADMIN, MANAGER or AGENT); defaults to the caller. ' +
      'An AGENT books only their own calendar.',
  })
  @IsOptional()
  @IsUUID()
  agentId?: string;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    example: ['5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f'],
    description: 'Contacts attending (replaces the whole list on update)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_ATTENDEES)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  attendeeContactIds?: string[];

  @NullableUuidField({ example: UUID_EXAMPLE })
  leadId?: string | null;

  @NullableUuidField({ example: UUID_EXAMPLE })
  dealId?: string | null;

  @NullableUuidField({ example: UUID_EXAMPLE })
  listingId?: string | null;
}

/** Times change through POST /{id}/reschedule, not here. */
export class UpdateAppointmentInput extends PartialType(
  OmitType(CreateAppointmentInput, ['startsAt', 'endsAt', 'status'] as const),
) {
  @ApiPropertyOptional({
    enum: SETTABLE_STATUSES,
    example: 'CONFIRMED',
    description: 'SCHEDULED ⇄ CONFIRMED, or NO_SHOW; COMPLETED and CANCELLED have their own actions',
  })
  @IsOptional()
  @IsIn(SETTABLE_STATUSES)
  status?: SettableStatus;
}

export class RescheduleAppointmentInput {
  @ApiProperty({ example: '2026-11-26T17:00:00.000Z', format: 'date-time', type: String })
  @IsInstant()
  startsAt!: Date;

  @ApiProperty({ example: '2026-11-26T18:00:00.000Z', format: 'date-time', type: String })
  @IsInstant()
  endsAt!: Date;
}

export class CancelAppointmentInput {
  @TextField('Buyer found another property', 1000)
  reason?: string | null;
}
