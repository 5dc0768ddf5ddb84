import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsEnum, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { Trim } from '../../common/query-transforms.js';
import { DealStage } from '../../generated/prisma/enums.js';
import { DEFAULT_PROBABILITY_TEXT, SETTABLE_DEAL_STATUSES } from '../deal-stage.js';
import {
  CalendarDateField,
  CustomFieldsField,
  EnumField,
  FreeTextField,
  MoneyField,
  NotesField,
  NullableUuidField,
  PercentField,
  RequiredTextField,
  TagsField,
  TextField,
} from '../../common/dto-fields.js';

const ID_EXAMPLE = '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d';
const LOST_REASON_EXAMPLE = 'Buyer chose another property';

export class CreateDealInput {
  @RequiredTextField('123 Main St — buyer representation')
  title!: string;

  @FreeTextField('Buyer wants to close before school starts', 20_000)
  description?: string | null;

  @MoneyField('450000.00', 'Decimal string')
  value!: string;

  @EnumField(
    DealStage,
    'DealStage',
    'QUALIFIED',
    'Stage rules as for POST /v1/deals/{id}/stage (CLOSED_LOST needs lostReason). Default: LEAD.',
  )
  stage?: DealStage;

  @ApiPropertyOptional({
    enum: SETTABLE_DEAL_STATUSES,
    example: 'ACTIVE',
    description: 'ACTIVE or ABANDONED, for an open deal only; WON and LOST follow the closed stages',
  })
  @IsOptional()
  @IsIn(SETTABLE_DEAL_STATUSES)
  status?: (typeof SETTABLE_DEAL_STATUSES)[number];

  @PercentField(25, `Defaults to the stage's probability (${DEFAULT_PROBABILITY_TEXT})`)
  probability?: number;

  @CalendarDateField('2027-02-15', { nullable: true })
  expectedCloseDate?: Date | null;

  @CalendarDateField('2027-02-20', {
    nullable: true,
    description: 'Closed deals only; defaults to the day the deal closes (UTC)',
  })
  actualCloseDate?: Date | null;

  @TextField(LOST_REASON_EXAMPLE, 1000, 'Required with stage CLOSED_LOST, refused otherwise')
  lostReason?: string | null;

  @NotesField('Pre-approved for 500k')
  notes?: string | null;

  @TagsField(['first-time-buyer'])
  tags?: string[];

  @CustomFieldsField({ commissionPct: 2.5 })
  customFields?: Record<string, unknown> | null;

  @NullableUuidField({ example: ID_EXAMPLE, description: 'A live lead of the organization' })
  leadId?: string | null;

  @NullableUuidField({ example: ID_EXAMPLE, description: 'A live contact of the organization' })
  contactId?: string | null;

  @NullableUuidField({ example: ID_EXAMPLE, description: 'A live listing of the organization' })
  listingId?: string | null;

  @NullableUuidField({ example: ID_EXAMPLE, description: 'An ADMIN, MANAGER or AGENT of the organization' })
  assignedToId?: string | null;
}

export class UpdateDealInput extends PartialType(CreateDealInput) {}

export class ChangeDealStageInput {
  @ApiProperty({ enum: DealStage, enumName: 'DealStage', example: 'CLOSED_LOST' })
  @IsEnum(DealStage)
  stage!: DealStage;

  @ApiPropertyOptional({
    example: LOST_REASON_EXAMPLE,
    description: 'Required for CLOSED_LOST (422 LOST_REASON_REQUIRED), refused for other stages',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(1000)
  lostReason?: string;

  @PercentField(0, "Defaults to the stage's probability")
  probability?: number;

  @CalendarDateField('2027-02-20', { description: 'For CLOSED_WON / CLOSED_LOST; defaults to today (UTC)' })
  actualCloseDate?: Date;
}
