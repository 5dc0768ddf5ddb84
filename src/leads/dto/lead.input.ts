import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Matches } from 'class-validator';
import { ContactDetailsInput } from '../../common/contact-details.js';
import { QueryBoolean } from '../../common/query-transforms.js';
import { LeadPriority, LeadSource, LeadStatus } from '../../generated/prisma/enums.js';
import {
  CustomFieldsField,
  EnumField,
  MONEY,
  moneyMessage,
  NotesField,
  NullableUuidField,
  PercentField,
  TagsField,
  TextField,
} from '../../common/dto-fields.js';

export class CreateLeadInput extends ContactDetailsInput() {
  @EnumField(LeadSource, 'LeadSource', 'REFERRAL', 'Default: WEBSITE.')
  source?: LeadSource;

  @EnumField(LeadStatus, 'LeadStatus', 'NEW_LEAD', 'Default: NEW_LEAD.')
  status?: LeadStatus;

  @EnumField(LeadPriority, 'LeadPriority', 'HIGH', 'How urgently the lead should be worked. Default: MEDIUM.')
  priority?: LeadPriority;

  @PercentField(55, 'score (HOT/WARM/COLD) is derived from it. Default: 0.')
  scoreValue?: number;

  @ApiPropertyOptional({
    example: '750000.00',
    description: 'Decimal string, up to 10 digits and 2 decimals',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @Matches(MONEY, { message: `budget ${moneyMessage('750000.00')}` })
  budget?: string | null;

  @TextField('3-6 months', 200)
  timeline?: string | null;

  @NotesField('Wants a 3-bed near good schools')
  notes?: string | null;

  @TagsField(['first-time-buyer', 'pre-approved'])
  tags?: string[];

  @CustomFieldsField({ preferredArea: 'Noe Valley' })
  customFields?: Record<string, unknown> | null;

  @NullableUuidField({ description: 'A member of the organization', example: '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d' })
  assignedToId?: string | null;

  @NullableUuidField({
    description: 'The live campaign the lead came from (422 INVALID_REFERENCE otherwise); null detaches it',
    example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  })
  campaignId?: string | null;
}

export class UpdateLeadInput extends PartialType(CreateLeadInput) {
  @ApiPropertyOptional({
    example: false,
    description:
      'false: scoreValue follows the computed score again (as DELETE /v1/leads/{id}/score-override). ' +
      'Writing scoreValue sets it to true. Not with scoreValue when false.',
  })
  @IsOptional()
  @IsBoolean()
  scoreOverride?: boolean;
}

export class CreateLeadQuery {
  @ApiPropertyOptional({
    description: 'Create the lead even if a live lead has the same email or phone (otherwise 409 DUPLICATE_LEAD)',
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  allowDuplicate?: boolean;
}
