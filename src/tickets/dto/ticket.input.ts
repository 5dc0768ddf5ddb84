import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsEnum, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { EnumField, FreeTextField, NullableUuidField, RequiredTextField } from '../../common/dto-fields.js';
import { Trim } from '../../common/query-transforms.js';
import { TicketPriority, TicketStatus } from '../../generated/prisma/enums.js';
import { IsInstant } from '../../common/dates.js';

export class CreateTicketInput {
  @RequiredTextField('Dishwasher leaking after move-in')
  title!: string;

  @FreeTextField('Tenant reports water under the dishwasher since Monday.', 20_000)
  description?: string | null;

  @EnumField(TicketPriority, 'TicketPriority', 'HIGH', 'Default: MEDIUM.')
  priority?: TicketPriority;

  @ApiPropertyOptional({ example: 'maintenance', nullable: true, type: String, maxLength: 100 })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 100)
  category?: string | null;

  @NullableUuidField({
    description: 'The customer: a contact of this organization',
    example: '6a1f3c2e-9b4d-4e7a-8c5f-1d2e3f4a5b6c',
  })
  contactId?: string | null;

  @NullableUuidField({ description: 'A listing of this organization', example: '9c8b7a6f-5e4d-4c3b-8a29-1f0e9d8c7b6a' })
  listingId?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, example: '2026-12-01T17:00:00.000Z' })
  @IsOptional()
  @IsInstant()
  dueAt?: Date | null;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'Members to assign (each is notified)',
    example: ['0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  assigneeIds?: string[];
}

export class UpdateTicketInput extends PartialType(OmitType(CreateTicketInput, ['assigneeIds'] as const)) {
  @ApiPropertyOptional({
    enum: TicketStatus,
    enumName: 'TicketStatus',
    example: 'IN_PROGRESS',
    description: 'Follows the same transition table as POST /v1/tickets/{id}/transition (422 otherwise)',
  })
  @IsOptional()
  @IsEnum(TicketStatus)
  status?: TicketStatus;
}

export class TransitionTicketInput {
  @ApiProperty({ enum: TicketStatus, enumName: 'TicketStatus', example: 'RESOLVED' })
  @IsEnum(TicketStatus)
  to!: TicketStatus;

  @ApiPropertyOptional({ example: 'Replaced the drain hose; no more leak.', maxLength: 2000 })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 2000)
  note?: string;
}

export class AddAssigneeInput {
  @ApiProperty({
    format: 'uuid',
    description: 'A member of this organization',
    example: '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d',
  })
  @IsUUID()
  userId!: string;
}
