import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, MinLength } from 'class-validator';
import { Trim } from '../../common/query-transforms.js';
import {
  CalendarDateField,
  EnumField,
  FreeTextField,
  MONEY,
  moneyMessage,
  NullableUuidField,
  OptionalNotNull,
  RequiredTextField,
  TextField,
} from '../../common/dto-fields.js';
import { CampaignStatus, LeadSource } from '../../generated/prisma/enums.js';

/** A UTM parameter as the campaign's links carry it: 1–200 characters, trimmed; null clears it. */
const UtmField = (example: string, description: string): PropertyDecorator =>
  applyDecorators(TextField(example, 200, description), MinLength(1));

export class CreateCampaignInput {
  @RequiredTextField('Spring open house weekend')
  name!: string;

  @FreeTextField('Two open houses and a postcard drop in Noe Valley', 5000)
  description?: string | null;

  @EnumField(CampaignStatus, 'CampaignStatus', 'ACTIVE', 'Default: DRAFT.')
  status?: CampaignStatus;

  @EnumField(LeadSource, 'LeadSource', 'EVENT', 'Where its leads come from. Default: OTHER.')
  channel?: LeadSource;

  @ApiPropertyOptional({
    example: '2500.00',
    description: 'What the campaign costs, as a decimal string (up to 10 digits and 2 decimals)',
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @Matches(MONEY, { message: `budget ${moneyMessage('2500.00')}` })
  budget?: string | null;

  @CalendarDateField('2027-04-01', { nullable: true })
  startsOn?: Date | null;

  @CalendarDateField('2027-04-30', { nullable: true, description: 'Not before startsOn' })
  endsOn?: Date | null;

  @UtmField('google', 'utm_source of the campaign links')
  utmSource?: string | null;

  @UtmField('cpc', 'utm_medium of the campaign links')
  utmMedium?: string | null;

  @UtmField(
    'spring-open-house-2027',
    'utm_campaign of the campaign links: captured leads carrying it are attributed to this campaign. ' +
      'Unique among live campaigns, compared case-insensitively (409 UTM_CAMPAIGN_TAKEN).',
  )
  utmCampaign?: string | null;

  @NullableUuidField({
    description: 'A live listing the campaign promotes',
    example: '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a',
  })
  listingId?: string | null;

  @NullableUuidField({
    description: 'The ADMIN, MANAGER or AGENT running it',
    example: '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d',
  })
  ownerId?: string | null;
}

/** Only the fields sent change; null clears a field, except name, which cannot be cleared (400). */
export class UpdateCampaignInput extends PartialType(OmitType(CreateCampaignInput, ['name'] as const)) {
  @ApiPropertyOptional({ example: 'Spring open house weekend', minLength: 1, maxLength: 200 })
  @OptionalNotNull()
  @Trim()
  @IsString()
  @Length(1, 200)
  name?: string;
}
