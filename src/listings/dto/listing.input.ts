import { Transform } from 'class-transformer';
import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { Trim } from '../../common/query-transforms.js';
import { ListingStatus, PropertyType } from '../../generated/prisma/enums.js';
import {
  CalendarDateField,
  CustomFieldsField,
  EnumField,
  FreeTextField,
  MoneyField,
  NotesField,
  NullableUuidField,
  RequiredTextField,
  TagsField,
} from '../../common/dto-fields.js';

/** numeric(10, 2) */
export const DECIMAL_10_2 = /^\d{1,8}(\.\d{1,2})?$/;
/** numeric(3, 1): "2.5" bathrooms */
export const BATHROOMS = /^\d{1,2}(\.\d)?$/;

const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true };

export class CreateListingInput {
  @RequiredTextField('Sunny 3-bed Victorian in Noe Valley')
  title!: string;

  @FreeTextField('Restored 1905 Victorian with a south-facing garden', 20_000)
  description?: string | null;

  @RequiredTextField('123 Main St', 300)
  address!: string;

  @RequiredTextField('San Francisco', 100)
  city!: string;

  @RequiredTextField('CA', 100)
  state!: string;

  @RequiredTextField('94114', 20)
  zipCode!: string;

  @ApiPropertyOptional({ example: 'USA', maxLength: 100, description: 'Default: USA.' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 100)
  country?: string;

  @EnumField(PropertyType, 'PropertyType', 'CONDO', 'Default: RESIDENTIAL.')
  propertyType?: PropertyType;

  @ApiPropertyOptional({ example: 3, minimum: 0, maximum: 1000, nullable: true, type: Number })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  bedrooms?: number | null;

  @ApiPropertyOptional({
    oneOf: [
      { type: 'number', minimum: 0, maximum: 99.9 },
      { type: 'string', maxLength: 4 },
    ],
    example: 2.5,
    nullable: true,
    description: 'A number (2.5) or a decimal string ("2.5"), at most 99.9, with at most one decimal',
  })
  @IsOptional()
  // A JSON number is taken as the decimal it reads as; anything else is left for the checks below.
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'number' && Number.isFinite(value) ? String(value) : value,
  )
  @IsString({ message: 'bathrooms must be a number or a decimal string such as "2.5"' })
  @Matches(BATHROOMS, { message: 'bathrooms must be a number or a decimal string such as "2.5" (≤ 99.9, one decimal)' })
  bathrooms?: string | null;

  @ApiPropertyOptional({ example: 1850, minimum: 1, nullable: true, type: Number })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000_000)
  squareFeet?: number | null;

  @ApiPropertyOptional({ example: '2500.00', nullable: true, type: String, description: 'Decimal string (sq ft)' })
  @IsOptional()
  @IsString()
  @Matches(DECIMAL_10_2, { message: 'lotSize must be a decimal string such as "2500.00" (≤ 8 digits, ≤ 2 decimals)' })
  lotSize?: string | null;

  @ApiPropertyOptional({ example: 1905, minimum: 1600, maximum: 2200, nullable: true, type: Number })
  @IsOptional()
  @IsInt()
  @Min(1600)
  @Max(2200)
  yearBuilt?: number | null;

  @MoneyField('1250000.00', 'Decimal string')
  price!: string;

  @ApiPropertyOptional({
    example: '675.68',
    nullable: true,
    type: String,
    description:
      'Decimal string. Derived by the database as round(price / squareFeet, 2) when not given, and ' +
      're-derived when price or squareFeet change unless a new value is sent with them',
  })
  @IsOptional()
  @IsString()
  @Matches(DECIMAL_10_2, {
    message: 'pricePerSqft must be a decimal string such as "675.68" (≤ 8 digits, ≤ 2 decimals)',
  })
  pricePerSqft?: string | null;

  @EnumField(ListingStatus, 'ListingStatus', 'ACTIVE', 'Default: ACTIVE.')
  status?: ListingStatus;

  @ApiPropertyOptional({
    example: 'SF-24-001234',
    nullable: true,
    type: String,
    description: 'Unique per organization, deleted listings included (409 MLS_NUMBER_TAKEN)',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 50)
  mlsNumber?: string | null;

  @CalendarDateField('2026-11-01', { nullable: true })
  listingDate?: Date | null;

  @CalendarDateField('2027-05-01', { nullable: true, description: 'Not before listingDate' })
  expirationDate?: Date | null;

  @ApiPropertyOptional({ type: [String], example: ['https://cdn.example.com/listings/123/front.jpg'] })
  @IsOptional()
  @IsArray()
  @IsUrl(URL_OPTIONS, { each: true })
  @MaxLength(1000, { each: true })
  @ArrayMaxSize(100)
  images?: string[];

  @ApiPropertyOptional({ example: 'https://tours.example.com/123-main', nullable: true, type: String })
  @IsOptional()
  @Trim()
  @IsUrl(URL_OPTIONS)
  @MaxLength(1000)
  virtualTourUrl?: string | null;

  @ApiPropertyOptional({ type: [String], example: ['garden', 'garage', 'fireplace'] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  @ArrayMaxSize(100)
  features?: string[];

  @NotesField('Lockbox code with the office')
  notes?: string | null;

  @TagsField(['open-house'])
  tags?: string[];

  @CustomFieldsField({ hoaFee: '450.00' })
  customFields?: Record<string, unknown> | null;

  @NullableUuidField({
    description: 'The listing agent: an ADMIN, MANAGER or AGENT of the organization',
    example: '0b9f5a4e-3c1d-4f6a-9e2b-7d8c1a2b3c4d',
  })
  assignedToId?: string | null;
}

export class UpdateListingInput extends PartialType(CreateListingInput) {}
