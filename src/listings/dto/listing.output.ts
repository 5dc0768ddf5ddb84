import { ApiProperty } from '@nestjs/swagger';
import { ListingStatus, PropertyType } from '../../generated/prisma/enums.js';
import { RESO_PROPERTY_SUB_TYPES, RESO_PROPERTY_TYPES, RESO_STANDARD_STATUSES } from '../reso.js';
import { IncludedOne, PersonSummary } from '../../common/summaries.js';
import { VersionProperty } from '../../http/version.property.js';
import { IdProperty, InstantProperty, LinkIdProperty, NullableInstantProperty } from '../../common/output-fields.js';

const ID = '3f6c1b9e-2d4a-4e8f-9b1c-5a7d2e3f4a6b';

/** The listing in RESO Data Dictionary 2.0 terms (docs/reso-mapping.md). */
export class ResoOutput {
  @ApiProperty({ enum: RESO_STANDARD_STATUSES, example: 'Active Under Contract' }) standardStatus!: string;
  @ApiProperty({ enum: RESO_PROPERTY_TYPES, example: 'Residential' }) propertyType!: string;
  @ApiProperty({
    enum: RESO_PROPERTY_SUB_TYPES,
    example: 'Condominium',
    nullable: true,
    type: String,
    description: 'null when our property type does not determine a RESO subtype (MULTI_FAMILY, COMMERCIAL)',
  })
  propertySubType!: string | null;
}

export class ListingOutput {
  @IdProperty(ID) id!: string;
  @ApiProperty({ maxLength: 200, example: 'Sunny 3-bed Victorian in Noe Valley' }) title!: string;
  @ApiProperty({ maxLength: 20000, example: 'Restored 1905 Victorian', nullable: true, type: String }) description!:
    string | null;
  @ApiProperty({ maxLength: 300, example: '123 Main St' }) address!: string;
  @ApiProperty({ maxLength: 100, example: 'San Francisco' }) city!: string;
  @ApiProperty({ maxLength: 100, example: 'CA' }) state!: string;
  @ApiProperty({ maxLength: 20, example: '94114' }) zipCode!: string;
  @ApiProperty({ maxLength: 100, example: 'USA' }) country!: string;
  @ApiProperty({ enum: PropertyType, enumName: 'PropertyType', example: 'RESIDENTIAL' }) propertyType!: PropertyType;
  @ApiProperty({ example: 3, nullable: true, type: Number }) bedrooms!: number | null;
  @ApiProperty({ maxLength: 4, example: '2.5', nullable: true, type: String }) bathrooms!: string | null;
  @ApiProperty({ example: 1850, nullable: true, type: Number }) squareFeet!: number | null;
  @ApiProperty({ maxLength: 13, example: '2500.00', nullable: true, type: String }) lotSize!: string | null;
  @ApiProperty({ example: 1905, nullable: true, type: Number }) yearBuilt!: number | null;
  @ApiProperty({ maxLength: 13, example: '1250000.00' }) price!: string;
  @ApiProperty({ maxLength: 13, example: '675.68', nullable: true, type: String }) pricePerSqft!: string | null;
  @ApiProperty({ enum: ListingStatus, enumName: 'ListingStatus', example: 'ACTIVE' }) status!: ListingStatus;
  @ApiProperty({ maxLength: 50, example: 'SF-24-001234', nullable: true, type: String }) mlsNumber!: string | null;
  @ApiProperty({ format: 'date', example: '2026-11-01', nullable: true, type: String }) listingDate!: string | null;
  @ApiProperty({ format: 'date', example: '2027-05-01', nullable: true, type: String }) expirationDate!: string | null;
  @ApiProperty({
    maxItems: 100,
    maxLength: 1000,
    type: [String],
    example: ['https://cdn.example.com/listings/123/front.jpg'],
  })
  images!: string[];
  @ApiProperty({ maxLength: 1000, example: 'https://tours.example.com/123-main', nullable: true, type: String })
  virtualTourUrl!: string | null;
  @ApiProperty({ maxItems: 100, maxLength: 100, type: [String], example: ['garden', 'garage'] }) features!: string[];
  @ApiProperty({ maxLength: 10000, example: 'Lockbox code with the office', nullable: true, type: String }) notes!:
    string | null;
  @ApiProperty({ maxItems: 50, maxLength: 50, type: [String], example: ['open-house'] }) tags!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, example: { hoaFee: '450.00' } })
  customFields!: Record<string, unknown> | null;
  @LinkIdProperty(ID, 'The listing agent') assignedToId!: string | null;
  @LinkIdProperty(ID) createdById!: string | null;
  @InstantProperty() createdAt!: string;
  @InstantProperty() updatedAt!: string;
  @VersionProperty() version!: number;
  @NullableInstantProperty() deletedAt!: string | null;
  @ApiProperty({ type: ResoOutput }) reso!: ResoOutput;
  @IncludedOne(PersonSummary, 'assignee', 'the listing agent assignedToId names')
  assignee?: PersonSummary | null;
  @IncludedOne(PersonSummary, 'createdBy', 'the member who created the listing')
  createdBy?: PersonSummary | null;
}

export class ListingPriceChangeOutput {
  @IdProperty(ID) id!: string;
  @ApiProperty({
    maxLength: 13,
    example: '1300000.00',
    nullable: true,
    type: String,
    description: 'null for the initial price',
  })
  oldPrice!: string | null;
  @ApiProperty({ maxLength: 13, example: '1250000.00' }) newPrice!: string;
  @LinkIdProperty(ID) changedById!: string | null;
  @InstantProperty() changedAt!: string;
}

export class ListingStatusChangeOutput {
  @IdProperty(ID) id!: string;
  @ApiProperty({
    enum: ListingStatus,
    enumName: 'ListingStatus',
    example: 'ACTIVE',
    nullable: true,
    description: 'null for the initial status',
  })
  fromStatus!: ListingStatus | null;
  @ApiProperty({ enum: ListingStatus, enumName: 'ListingStatus', example: 'PENDING' }) toStatus!: ListingStatus;
  @LinkIdProperty(ID) changedById!: string | null;
  @InstantProperty() changedAt!: string;
}

export class ListingHistoryOutput {
  @ApiProperty({
    type: [ListingPriceChangeOutput],
    description: 'Price changes, newest first (the last is the initial price)',
  })
  price!: ListingPriceChangeOutput[];
  @ApiProperty({
    type: [ListingStatusChangeOutput],
    description: 'Status changes, newest first (the last is the initial status)',
  })
  status!: ListingStatusChangeOutput[];
}
