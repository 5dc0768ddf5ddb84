import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsEnum,
  IsIn,
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
import { Trim } from '../../common/query-transforms.js';
import { DealStage } from '../../generated/prisma/enums.js';
import { DEFAULT_PROBABILITY_TEXT, SETTABLE_DEAL_STATUSES } from '../deal-stage.js';
import { CustomFieldsField, NotesField, TagsField } from '../../common/dto-fields.js';
import { IsCalendarDate } from '../../common/dates.js';

/** numeric(12, 2): up to 10 integer digits and 2 decimals, never negative. */
export const MONEY = /^\d{1,10}(\.\d{1,2})?$/;
export const MONEY_MESSAGE = 'must be a non-negative decimal string such as "450000.00" (≤ 10 digits, ≤ 2 decimals)';

const ID_EXAMPLE = '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d';

export class CreateDealInput {
  @ApiProperty({ example: '123 Main St — buyer representation', minLength: 1, maxLength: 200 })
  @Trim()
  @IsString()
  @Length(1, 200)
  title!: string;

  @ApiPropertyOptional({ example: 'Buyer wants to close before school starts', nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  description?: string | null;

  @ApiProperty({ example: '450000.00', description: 'Decimal string' })
  @IsString()
  @Matches(MONEY, { message: `value ${MONEY_MESSAGE}` })
  value!: string;

  @ApiPropertyOptional({
    enum: DealStage,
    enumName: 'DealStage',
    example: 'QUALIFIED',
    description: 'Stage rules as for POST /v1/deals/{id}/stage (CLOSED_LOST needs lostReason). Default: LEAD.',
  })
  @IsOptional()
  @IsEnum(DealStage)
  stage?: DealStage;

  @ApiPropertyOptional({
    enum: SETTABLE_DEAL_STATUSES,
    example: 'ACTIVE',
    description: 'ACTIVE or ABANDONED, for an open deal only; WON and LOST follow the closed stages',
  })
  @IsOptional()
  @IsIn(SETTABLE_DEAL_STATUSES)
  status?: (typeof SETTABLE_DEAL_STATUSES)[number];

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 100,
    example: 25,
    description: `Defaults to the stage's probability (${DEFAULT_PROBABILITY_TEXT})`,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  probability?: number;

  @ApiPropertyOptional({ type: String, format: 'date', example: '2027-02-15', nullable: true })
  @IsOptional()
  @IsCalendarDate()
  expectedCloseDate?: Date | null;

  @ApiPropertyOptional({
    type: String,
    format: 'date',
    example: '2027-02-20',
    nullable: true,
    description: 'Closed deals only; defaults to the day the deal closes (UTC)',
  })
  @IsOptional()
  @IsCalendarDate()
  actualCloseDate?: Date | null;

  @ApiPropertyOptional({
    example: 'Buyer chose another property',
    nullable: true,
    type: String,
    description: 'Required with stage CLOSED_LOST, refused otherwise',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(1000)
  lostReason?: string | null;

  @NotesField('Pre-approved for 500k')
  notes?: string | null;

  @TagsField(['first-time-buyer'])
  tags?: string[];

  @CustomFieldsField({ commissionPct: 2.5 })
  customFields?: Record<string, unknown> | null;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    example: ID_EXAMPLE,
    description: 'A live lead of the organization',
  })
  @IsOptional()
  @IsUUID()
  leadId?: string | null;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    example: ID_EXAMPLE,
    description: 'A live contact of the organization',
  })
  @IsOptional()
  @IsUUID()
  contactId?: string | null;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    example: ID_EXAMPLE,
    description: 'A live listing of the organization',
  })
  @IsOptional()
  @IsUUID()
  listingId?: string | null;

  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    example: ID_EXAMPLE,
    description: 'An ADMIN, MANAGER or AGENT of the organization',
  })
  @IsOptional()
  @IsUUID()
  assignedToId?: string | null;
}

export class UpdateDealInput extends PartialType(CreateDealInput) {}

export class ChangeDealStageInput {
  @ApiProperty({ enum: DealStage, enumName: 'DealStage', example: 'CLOSED_LOST' })
  @IsEnum(DealStage)
  stage!: DealStage;

  @ApiPropertyOptional({
    example: 'Buyer chose another property',
    description: 'Required for CLOSED_LOST (422 LOST_REASON_REQUIRED), refused for other stages',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(1000)
  lostReason?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, example: 0, description: "Defaults to the stage's probability" })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  probability?: number;

  @ApiPropertyOptional({
    type: String,
    format: 'date',
    example: '2027-02-20',
    description: 'For CLOSED_WON / CLOSED_LOST; defaults to today (UTC)',
  })
  @IsOptional()
  @IsCalendarDate()
  actualCloseDate?: Date;
}
