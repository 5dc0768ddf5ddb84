import { ApiPropertyOptional, ApiProperty, PartialType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsEmail,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { QueryBoolean, Trim } from '../../common/query-transforms.js';
import { LeadSource, LeadStatus } from '../../generated/prisma/enums.js';
import { CustomFieldsField, NotesField, TagsField } from '../../common/dto-fields.js';

export class CreateLeadInput {
  @ApiProperty({ example: 'Maria Gonzalez', minLength: 1, maxLength: 200 })
  @Trim()
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ example: 'maria.gonzalez@example.com', nullable: true, type: String })
  @IsOptional()
  @Trim()
  @IsEmail()
  @MaxLength(320)
  email?: string | null;

  @ApiPropertyOptional({ example: '+1 415 555 0134', nullable: true, type: String })
  @IsOptional()
  @Trim()
  @IsString()
  @Matches(/^[0-9+()\-.\s]{3,50}$/, { message: 'phone may contain digits, spaces and + ( ) - . only' })
  phone?: string | null;

  @ApiPropertyOptional({ example: 'Gonzalez Family Trust', nullable: true, type: String })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  company?: string | null;

  @ApiPropertyOptional({
    enum: LeadSource,
    enumName: 'LeadSource',
    example: 'REFERRAL',
    description: 'Default: WEBSITE.',
  })
  @IsOptional()
  @IsEnum(LeadSource)
  source?: LeadSource;

  @ApiPropertyOptional({
    enum: LeadStatus,
    enumName: 'LeadStatus',
    example: 'NEW_LEAD',
    description: 'Default: NEW_LEAD.',
  })
  @IsOptional()
  @IsEnum(LeadStatus)
  status?: LeadStatus;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 100,
    example: 55,
    description: 'score (HOT/WARM/COLD) is derived from it. Default: 0.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  scoreValue?: number;

  @ApiPropertyOptional({
    example: '750000.00',
    description: 'Decimal string, up to 10 digits and 2 decimals',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,10}(\.\d{1,2})?$/, {
    message: 'budget must be a non-negative decimal string such as "750000.00" (≤ 10 digits, ≤ 2 decimals)',
  })
  budget?: string | null;

  @ApiPropertyOptional({ example: '3-6 months', nullable: true, type: String })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  timeline?: string | null;

  @NotesField('Wants a 3-bed near good schools')
  notes?: string | null;

  @TagsField(['first-time-buyer', 'pre-approved'])
  tags?: string[];

  @CustomFieldsField({ preferredArea: 'Noe Valley' })
  customFields?: Record<string, unknown> | null;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'A member of the organization',
    example: '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d',
  })
  @IsOptional()
  @IsUUID()
  assignedToId?: string | null;
}

export class UpdateLeadInput extends PartialType(CreateLeadInput) {}

export class CreateLeadQuery {
  @ApiPropertyOptional({
    description: 'Create the lead even if a live lead has the same email or phone (otherwise 409 DUPLICATE_LEAD)',
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  allowDuplicate?: boolean;
}
