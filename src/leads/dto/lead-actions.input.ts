import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateNested } from 'class-validator';
import { CalendarDateField, MoneyField, RequiredTextField } from '../../common/dto-fields.js';

/** What the agent learned about the buyer; the organization's rule decides (docs/lead-scoring.md). */
export class QualifyLeadInput {
  @ApiProperty({ example: true, description: 'The buyer is pre-approved for a mortgage (or pays cash)' })
  @IsBoolean()
  preApproved!: boolean;

  @ApiProperty({ example: true, description: 'The budget was confirmed with the buyer' })
  @IsBoolean()
  budgetConfirmed!: boolean;

  @ApiProperty({ minimum: 0, maximum: 120, example: 3, description: 'Months until the buyer means to buy' })
  @IsInt()
  @Min(0)
  @Max(120)
  timelineMonths!: number;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 100,
    example: 75,
    description: 'A manual score: overrides the computed one, as scoreValue on PATCH does',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  scoreValue?: number;

  @ApiPropertyOptional({
    example: 'Pre-approved for $800k; wants to close before spring',
    description: 'Appended to the lead notes, and kept on the qualification activity',
  })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  notes?: string;
}

export class AssignLeadInput {
  @ApiProperty({
    format: 'uuid',
    description: 'An ADMIN, MANAGER or AGENT of the organization',
    example: '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d',
  })
  @IsUUID()
  assignedToId!: string;
}

export class ConvertDealInput {
  @RequiredTextField('123 Main St purchase')
  title!: string;

  @MoneyField('750000.00', 'Decimal string, up to 10 digits and 2 decimals')
  value!: string;

  @CalendarDateField('2027-03-31')
  expectedCloseDate?: Date;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A live listing of the organization',
    example: '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a',
  })
  @IsOptional()
  @IsUUID()
  listingId?: string;
}

export class ConvertLeadInput {
  @ApiPropertyOptional({ example: true, description: 'Also open a deal (stage QUALIFIED). Default: false.' })
  @IsOptional()
  @IsBoolean()
  createDeal?: boolean;

  @ApiPropertyOptional({
    type: ConvertDealInput,
    description: 'Required when createDeal is true, refused otherwise',
    example: { title: '123 Main St purchase', value: '750000.00', expectedCloseDate: '2027-03-31' },
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConvertDealInput)
  deal?: ConvertDealInput;
}

export class MergeLeadInput {
  @ApiProperty({
    format: 'uuid',
    description: 'The lead merged into this one, then soft-deleted',
    example: '8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5f6e',
  })
  @IsUUID()
  duplicateId!: string;
}
